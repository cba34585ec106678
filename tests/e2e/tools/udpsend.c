// Sends UDP datagrams fast (python takes a second to start in a TCG guest).
// usage: udpsend DST PORT COUNT [--sport N] [--size N]; prints the count sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t len;
	int fd, i, sport = 0, size = 16, count, sent = 0, one = 1;
	char payload[1500];

	if (argc < 4) {
		fprintf(stderr, "usage: udpsend DST PORT COUNT [--sport N] [--size N]\n");
		return 2;
	}
	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--sport"))
			sport = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--size"))
			size = atoi(argv[i + 1]);
	}
	if (size < 0 || size > (int)sizeof(payload))
		size = 16;
	memset(payload, 'x', sizeof(payload));
	count = atoi(argv[3]);
	if (strchr(argv[1], ':')) {
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst, *s = (struct sockaddr_in6 *)&src;

		d->sin6_family = s->sin6_family = AF_INET6;
		d->sin6_port = htons(atoi(argv[2]));
		s->sin6_port = htons(sport);
		if (inet_pton(AF_INET6, argv[1], &d->sin6_addr) != 1)
			return 2;
		len = sizeof(*d);
	} else {
		struct sockaddr_in *d = (struct sockaddr_in *)&dst, *s = (struct sockaddr_in *)&src;

		d->sin_family = s->sin_family = AF_INET;
		d->sin_port = htons(atoi(argv[2]));
		s->sin_port = htons(sport);
		if (inet_pton(AF_INET, argv[1], &d->sin_addr) != 1)
			return 2;
		len = sizeof(*d);
	}
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sport && bind(fd, (struct sockaddr *)&src, len) != 0) {
		perror("bind");
		return 1;
	}
	for (i = 0; i < count; i++) {
		/* ICMP errors for earlier datagrams surface as ECONNREFUSED: retry. */
		if (sendto(fd, payload, size, 0, (struct sockaddr *)&dst, len) == size ||
		    sendto(fd, payload, size, 0, (struct sockaddr *)&dst, len) == size)
			sent++;
	}
	printf("%d\n", sent);
	close(fd);
	return sent == count ? 0 : 1;
}
