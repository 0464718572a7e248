/* The fee line shared by the service card, the review and the payment screen. */
#ifndef PK_UI_VIEW_PAY_H
#define PK_UI_VIEW_PAY_H

/* The amount in the UI's digits, and in Persian words when the screen is Persian. */
void ui_draw_fee(int y, long long rials);
/* "Paid: ۵۰٬۰۰۰ rials  Bank reference: …  Invoice: …" on the receipt. */
void ui_draw_payment(int y, long long rials, const char *bank_ref, const char *invoice);

#endif
