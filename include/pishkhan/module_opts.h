/* What each lower module is given from the settings. net/, receipt/ and cardreader/ never
 * see pk_config: each takes its own small options struct, filled here, in the application. */
#ifndef PISHKHAN_MODULE_OPTS_H
#define PISHKHAN_MODULE_OPTS_H
#include "pishkhan/config.h"
#include "pishkhan/net.h"
#include "pishkhan/payment.h"
#include "pishkhan/receipt.h"

void pk_config_printer_opts(const pk_config *cfg, pk_printer_opts *out);
void pk_config_net_opts(const pk_config *cfg, pk_net_opts *out);
void pk_config_pay_opts(const pk_config *cfg, pk_pay_opts *out);
/* The [payment] terminal's driver, or NULL for "none" or a destination that cannot be used. */
pk_pay_terminal *pk_config_pay_terminal(const pk_config *cfg);
/* pk_net_new with the [window] settings. */
pk_net *pk_net_new_config(pk_loop *loop, const pk_config *cfg, char **err);
/* pk_receipt_keys_fn for the receipt verifier's command line. */
/* Where the device key's public JWKS is: [receipt] device_jwks, else jwks.json beside the key. */
char *pk_config_device_jwks_path(const pk_config *cfg);
int pk_config_receipt_keys(const char *config_path, char **jwks, char **device_jwks, char *err, size_t errsz);

#endif
