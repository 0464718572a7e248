/* What each screen says when the citizen asks for help: two or three plain sentences, for
 * someone who has never used a kiosk. One per screen (test ui_help). */
#include "view_help.h"

#include "pishkhan/i18n.h"

static const char *const help[PK_SCREEN_COUNT] = {
    [PK_SCREEN_HOME] = N_("This kiosk lets you send requests to government offices. Put your national smart ID card into the reader, chip first, and follow what the screen says."),
    [PK_SCREEN_CARD_READ] = N_("The kiosk is reading your card. Leave it in the reader; this takes a few seconds."),
    [PK_SCREEN_CARD_ERROR] = N_("Your card could not be used here. The screen says why. Take your card; an office of the civil registration can check or renew it."),
    [PK_SCREEN_PIN] = N_("Type the PIN of your card with the number keys, then press Enter. The digits are shown as stars, and nobody else sees them. After several wrong tries the card is blocked."),
    [PK_SCREEN_PIN_BLOCKED] = N_("Your card's PIN is blocked after too many wrong tries. Take your card; an office of the civil registration can unblock it."),
    [PK_SCREEN_AUTH] = N_("The kiosk is checking your card and PIN with the national window. Please wait and leave your card in the reader."),
    [PK_SCREEN_OTP_ID] = N_("Type your national code and press Enter, then the mobile number registered for it and press Enter. A code comes to that mobile by text message."),
    [PK_SCREEN_LEVEL1] = N_("Type your national code and press Enter, then your date of birth as year, month and day (8 digits, such as 13700512) and press Enter. This opens only services of level 1; for others, use your card or a code by text message."),
    [PK_SCREEN_OTP_CODE] = N_("Type the code from the text message on your mobile, then press Enter. Nobody at the office needs to see it. Backspace goes back to change the number."),
    [PK_SCREEN_DASHBOARD] = N_("This is your menu. Press the number of what you want to do: find a service, see the state of a request, or read your messages. Press 0 to sign out."),
    [PK_SCREEN_AGENCIES] = N_("These are the government offices. Press the number next to one to see its services; the arrow keys show the next page."),
    [PK_SCREEN_SERVICES] = N_("These are the services of this office. Press the number next to one to read about it; Backspace goes back."),
    [PK_SCREEN_SEARCH] = N_("Type a word from the name of the service you need. Then press an arrow key and the number of a result to open it."),
    [PK_SCREEN_SERVICE] = N_("This page says what the service is, what it costs and what it needs. Press Enter to request it, or Backspace to go back."),
    [PK_SCREEN_FORM] = N_("Fill in each field and press Enter to go to the next one. If something is wrong, the screen says what to change. Esc leaves the form."),
    [PK_SCREEN_REVIEW] = N_("Check what will be sent. Press Enter to send the request, or Backspace to change something."),
    [PK_SCREEN_PAY] = N_("Pay the fee on the card terminal beside the kiosk: your card and PIN go only into the terminal. Esc cancels, and any amount taken is given back."),
    [PK_SCREEN_SUBMIT] = N_("Your request is being sent. Please wait; if it takes long, Esc stops waiting, but the request is not taken back."),
    [PK_SCREEN_RECEIPT] = N_("Your request was received. Keep the tracking code: with it you can ask about your request later. Press 1 to print the receipt."),
    [PK_SCREEN_STATUS] = N_("Type the tracking code from your receipt and press Enter to see what became of your request."),
    [PK_SCREEN_INBOX] = N_("These are messages from government offices for you. Press the number of a message to open it."),
    [PK_SCREEN_DOCUMENT] = N_("This is a document the national window gave for you. The arrow keys show the next page; Backspace goes back."),
    [PK_SCREEN_ENTITY] = N_("To make a request for a company you sign for, type its number in the list (or its 11-digit national ID) and press Enter. * goes back to requests for yourself."),
};

const char *ui_help_for(pk_screen_id id) { return id < PK_SCREEN_COUNT ? help[id] : NULL; }
