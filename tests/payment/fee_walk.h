/* A citizen's way to a fee service, through the state machine: the one walk the backend's
 * payment tests, the kill -9 sale driver and the sale benchmark share. */
#ifndef PK_TESTS_FEE_WALK_H
#define PK_TESTS_FEE_WALK_H
#include <stdbool.h>

#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/catalog.h"

/* What the walk types into a required field of type t; NULL for a type it cannot fill. */
const char *fw_value_for(pk_field_type t);
/* A kiosk fee service (level ≤ 3) whose required fields the walk can fill; NULL if none. */
const pk_service *fw_fee_service(pk_catalog *cat);
/* Dashboard → agencies → the service → its form filled → review. False (and the screen it
 * stopped at) when a step did not lead where it should. */
bool fw_to_review(pk_app *app, const pk_service *s);
/* The backend's card opener for a pk_vcard in process (ud): the card while it is present. */
pk_transport *fw_open_card(void *ud, const char *reader, pk_card_status *st);
/* Keys, as the keyboard sends them. */
void fw_key(pk_app *app, pk_key_code code, uint32_t cp);
void fw_type(pk_app *app, const char *ascii);

#endif
