/* pishkhan-receipt: the receipt verifier as its own small program (tests, offices
 * without the kiosk UI). `pishkhan receipt verify` calls the same function. */
#include "pishkhan/module_opts.h"
#include "pishkhan/receipt.h"

int main(int argc, char **argv) {
  int rc = pk_receipt_verify_cli(argc - 1, argv + 1, pk_config_receipt_keys);
  pk_receipt_shutdown();
  return rc;
}
