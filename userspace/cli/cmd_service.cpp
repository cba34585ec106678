// netdropctl service --config FILE: what netdrop.service runs.  Starts one
// netdropctl process per component netdrop.conf turns on (exporter, flight
// recorder, JSON lines), starts again one that ends (backing off up to
// 30 s: a module being reloaded, say), writes the JSON lines to standard
// output or to a file it rotates by size, and on SIGUSR2 lets go of
// /dev/netdrop until the module is back (unloaded and loaded again, or
// 60 s), so that the module can be reloaded under it.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "conf.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

volatile std::sig_atomic_t g_release = 0;
void on_usr2(int /*sig*/) { g_release = 1; }

// One component: its command line and its process.
struct Child {
  std::vector<std::string> args;
  bool jsonl = false;
  pid_t pid = -1;
  Clock::time_point started{};
  Clock::time_point next_start{};
  double backoff_s = 1;
};

// The JSON lines file: PATH, rotated to PATH.1 .. PATH.keep by size.
class RotatingFile {
 public:
  RotatingFile(std::string path, size_t max_bytes, size_t keep) : path_(std::move(path)), max_(max_bytes), keep_(keep) {
    open();
  }
  void write(std::string_view s) {
    if (size_ + s.size() > max_ && size_ > 0) rotate();
    if (std::fwrite(s.data(), 1, s.size(), f_.get()) != s.size())
      throw SystemError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    std::fflush(f_.get());
    size_ += s.size();
  }

 private:
  struct Closer {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  void open() {
    f_.reset(std::fopen(path_.c_str(), "a"));
    if (!f_) throw SystemError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    struct stat sb {};
    size_ = fstat(fileno(f_.get()), &sb) == 0 ? static_cast<size_t>(sb.st_size) : 0;
  }
  void rotate() {
    f_.reset();
    for (size_t i = keep_; i > 1; i--)
      std::rename(fmt::format("{}.{}", path_, i - 1).c_str(), fmt::format("{}.{}", path_, i).c_str());
    std::rename(path_.c_str(), (path_ + ".1").c_str());
    open();
  }
  std::string path_;
  size_t max_, keep_, size_ = 0;
  std::unique_ptr<FILE, Closer> f_;
};

pid_t spawn(const std::vector<std::string>& args, int out_fd) {
  std::vector<std::string> full{"netdropctl"};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
  pid_t pid = -1;
  int err = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) throw SystemError(fmt::format("service: cannot start netdropctl: {}", std::strerror(err)));
  return pid;
}

void stop_all(std::vector<Child>& children) {
  for (Child& c : children)
    if (c.pid > 0) kill(c.pid, SIGINT);
  for (Child& c : children) {
    if (c.pid <= 0) continue;
    int status = 0;
    waitpid(c.pid, &status, 0);
    c.pid = -1;
  }
}

// SIGUSR2: the device goes away and comes back, or 60 s pass.
void wait_for_reload() {
  fmt::print(stderr, "netdropctl service: let go of {}; waiting for the module to be reloaded\n", NETDROP_DEVICE);
  auto until = Clock::now() + std::chrono::seconds(60);
  bool gone = false;
  while (g_stop == 0 && Clock::now() < until) {
    bool there = access(NETDROP_DEVICE, F_OK) == 0;
    if (!there) gone = true;
    if (gone && there) break;
    usleep(200'000);
  }
  fmt::print(stderr, "netdropctl service: {}\n", gone ? "the module is back" : "60 s passed; starting again");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int cmd_service(const Args& args) {
  std::string config = "/etc/netdrop/netdrop.conf";
  bool check = false;
  po::options_description d("service options");
  d.add_options()("help,h", "show this help")("config", po::value(&config),
                                              "netdrop.conf to run (default /etc/netdrop/netdrop.conf)")(
      "check", po::bool_switch(&check), "print the commands it would run, and exit");
  po::variables_map vm;
  if (!parse(args, d, "service [--config FILE] [--check]", R"(  netdropctl service --config /etc/netdrop/netdrop.conf
  netdropctl service --check
)",
             vm))
    return 0;
  ServiceConf conf = parse_service_conf(read_file(config), config);
  std::vector<Child> children;
  for (auto& cmd : service_commands(conf)) children.push_back({cmd, cmd.front() == "stream"});
  if (check) {
    for (const Child& c : children) {
      std::string line = "netdropctl";
      for (const std::string& a : c.args) line += " " + a;
      fmt::print("{}\n", line);
    }
    return 0;
  }
  std::optional<RotatingFile> jsonl_file;
  int pipe_fds[2] = {-1, -1};
  if (conf.jsonl && !conf.jsonl_file.empty()) {
    jsonl_file.emplace(conf.jsonl_file, conf.jsonl_rotate_mb << 20, conf.jsonl_keep);
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw SystemError(fmt::format("service: pipe: {}", std::strerror(errno)));
  }
  Fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  install_signal_handlers();
  std::signal(SIGUSR2, on_usr2);
  // systemctl kill -s USR1 reaches every process of the unit: the flight
  // recorder writes its window; here (and, inherited, in the exporter and
  // stream) it does nothing.
  std::signal(SIGUSR1, SIG_IGN);
  std::string partial;
  while (g_stop == 0) {
    auto now = Clock::now();
    for (Child& c : children) {
      if (c.pid > 0 || now < c.next_start) continue;
      c.pid = spawn(c.args, c.jsonl ? write_end.get() : -1);
      c.started = now;
      fmt::print(stderr, "netdropctl service: started {} (pid {})\n", c.args.front(), c.pid);
    }
    if (read_end.get() >= 0) {
      pollfd p{read_end.get(), POLLIN, 0};
      if (poll(&p, 1, 200) > 0) {
        char buf[65536];
        ssize_t n = read(read_end.get(), buf, sizeof(buf));
        if (n > 0) {
          partial.append(buf, static_cast<size_t>(n));
          size_t last = partial.rfind('\n');
          if (last != std::string::npos) {
            jsonl_file->write(std::string_view(partial).substr(0, last + 1));
            partial.erase(0, last + 1);
          }
        }
      }
    } else {
      usleep(200'000);
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (Child& c : children) {
        if (c.pid != pid) continue;
        c.pid = -1;
        // A process that ran a minute starts again at once; one that ends
        // at once (the module is missing) waits longer each time.
        if (Clock::now() - c.started > std::chrono::seconds(60)) c.backoff_s = 1;
        fmt::print(stderr, "netdropctl service: {} ended ({}); starting it again in {} s\n", c.args.front(),
                   WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                     : fmt::format("signal {}", WTERMSIG(status)),
                   c.backoff_s);
        c.next_start =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.backoff_s));
        c.backoff_s = std::min(c.backoff_s * 2, 30.0);
      }
    }
    if (g_release != 0) {
      g_release = 0;
      stop_all(children);
      wait_for_reload();
      for (Child& c : children) {
        c.next_start = Clock::now();
        c.backoff_s = 1;
      }
    }
  }
  stop_all(children);
  return 0;
}

}  // namespace netdrop::cli
