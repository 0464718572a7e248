/* The wording of the printed receipt and of the verifier. A receipt is a Persian document
 * whatever the screen language: pk_tr_fa looks the English msgid up in the Persian
 * catalog (po/fa.po), from any thread. */
#ifndef PK_RECEIPT_STRINGS_H
#define PK_RECEIPT_STRINGS_H

#include "pishkhan/i18n.h"

#define FA_HEADING pk_tr_fa("Service request receipt")
#define FA_WINDOW pk_tr_fa("National smart government services window")
#define FA_SERVICE pk_tr_fa("Service")
#define FA_SERVICE_ID pk_tr_fa("Service id")
#define FA_TITLE_SHORTENED \
  pk_tr_fa("The service's name is shortened to fit the code below; the service id is the one that counts.")
#define FA_AGENCY pk_tr_fa("Agency")
#define FA_TRACKING pk_tr_fa("Tracking code")
#define FA_DATE pk_tr_fa("Date")
#define FA_STATUS pk_tr_fa("Status")
#define FA_SUBMITTED pk_tr_fa("Registered")
#define FA_QUEUED pk_tr_fa("Queued for sending (no connection)")
#define FA_QUEUED_NOTE pk_tr_fa("Your request is stored on this kiosk and will be sent to the national window once the connection is back.")
#define FA_AMOUNT pk_tr_fa("Amount")
#define FA_AMOUNT_PAID pk_tr_fa("Amount paid")
#define FA_PAYMENT_REF pk_tr_fa("Bank reference")
#define FA_NATIONAL_CODE pk_tr_fa("National code")
#define FA_ON_BEHALF pk_tr_fa("On behalf of")
#define FA_ASSISTED pk_tr_fa("With the help of the counter clerk")
#define FA_KIOSK pk_tr_fa("Kiosk id")
#define FA_OFFICE pk_tr_fa("Office")
#define FA_SIGNED_WINDOW pk_tr_fa("Signed by the national window")
#define FA_SIGNED_DEVICE pk_tr_fa("Signed by the kiosk device")
#define FA_KEY pk_tr_fa("Key")
#define FA_SCAN_HINT pk_tr_fa("Scan the code below to check that this receipt is genuine.")
#define FA_VALID pk_tr_fa("The receipt signature is valid.")
#define FA_INVALID pk_tr_fa("The receipt signature is not valid: this receipt is forged or altered.")
#define FA_UNKNOWN_KEY pk_tr_fa("The key that signed this receipt is not among the trusted keys.")
#define FA_NOT_RECEIPT pk_tr_fa("This text is not a Pishkhan receipt.")
#define FA_POLICY pk_tr_fa("The signature is correct but the receipt breaks the rules for its signer.")
#define FA_NO_INPUT pk_tr_fa("Could not read the input")
#define FA_NO_JWKS pk_tr_fa("Could not read the key list")
#define FA_REASON pk_tr_fa("Reason")

#endif
