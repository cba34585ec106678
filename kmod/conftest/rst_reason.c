// SPDX-License-Identifier: GPL-2.0
/* enum sk_rst_reason passed to the reset senders: 6.10+ */
#include <net/tcp.h>
#include <net/rstreason.h>

void nd_conftest(struct sock *sk);
void nd_conftest(struct sock *sk)
{
	tcp_send_active_reset(sk, SK_RST_REASON_NOT_SPECIFIED);
}
