/* `pishkhan payments report`: a day's payments reconciled, the terminal's batch totals, the
 * kiosk's records and the window's invoices side by side (docs/payment.md, Reconciliation). */
#ifndef PISHKHAN_PAYMENTS_CLI_H
#define PISHKHAN_PAYMENTS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "pishkhan/config.h"

/* Exit codes of the report. */
enum {
  PK_PAYREP_RECONCILES = 0, /* all three sides answered and agree to the rial */
  PK_PAYREP_MISMATCH = 1,   /* at least one mismatch, listed */
  PK_PAYREP_USAGE = 2,
  PK_PAYREP_ESTORE = 3,     /* the settings or the payment store cannot be used */
  PK_PAYREP_INCOMPLETE = 4, /* no mismatch found, but the terminal or the window did not answer */
};

/* The report of the local calendar day y-m-d (Gregorian) in the current UI language, or JSON. */
int pk_payments_report(const pk_config *cfg, int y, int m, int d, bool json, FILE *out);
/* Closes the terminal's batch of that day, only if the day reconciles (else the report and why
 * not); the day's card payments are then settled. The same exit codes. */
int pk_payments_settle(const pk_config *cfg, int y, int m, int d, FILE *out);
/* argv[0] is "payments". */
int pk_payments_cli(int argc, char **argv);

#endif
