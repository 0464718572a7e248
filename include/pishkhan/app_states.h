/* The one list of screens and the one list of events of the state machine. Everything that
 * enumerates them (the enum, the core's ops table, the views, the docs' state table, the walk
 * test) expands these X-macros, so a screen or an event exists in one place only.
 *
 * X(ID, name, what the citizen sees) */
#ifndef PISHKHAN_APP_STATES_H
#define PISHKHAN_APP_STATES_H

#define PK_SCREENS(X)                                                          \
  X(HOME, home, "attract: insert your card")                                   \
  X(CARD_READ, card_read, "reading the card (spinner)")                        \
  X(CARD_ERROR, card_error, "card refused: the reason, take the card")         \
  X(PIN, pin, "masked PIN entry, tries left")                                  \
  X(PIN_BLOCKED, pin_blocked, "PIN blocked: take the card")                    \
  X(AUTH, auth, "PIN check, challenge signature, window login (spinner)")      \
  X(OTP_ID, otp_id, "no card: national code and registered mobile")           \
  X(OTP_CODE, otp_code, "the one-time code sent to the mobile (masked)")       \
  X(LEVEL1, level1, "no card, level 1 services: national code and date of birth") \
  X(DASHBOARD, dashboard, "the citizen's menu")                                \
  X(AGENCIES, agencies, "browse by agency")                                    \
  X(SERVICES, services, "services of one agency")                              \
  X(SEARCH, search, "search as you type")                                      \
  X(SERVICE, service, "service card: level, fee, documents")                   \
  X(FORM, form, "the service's form")                                          \
  X(REVIEW, review, "what will be sent")                                       \
  X(PAY, pay, "the fee paid on the card terminal: what to do, progress, result") \
  X(SUBMIT, submit, "sending (spinner, Esc stops waiting)")                    \
  X(RECEIPT, receipt, "tracking code, QR, print")                              \
  X(STATUS, status, "status inquiry by tracking code")                         \
  X(INBOX, inbox, "the citizen's inbox")                                       \
  X(DOCUMENT, document, "a document from an inquiry (report card)")          \
  X(ENTITY, entity, "the companies the citizen signs for: act for one or for oneself")

/* X(ID, what causes it). A key handler, a completion or the clock returns one of these; only
 * the transition table (core/app_machine.c) decides where it leads. */
#define PK_APP_EVENTS(X)                                                       \
  X(NONE, "nothing to change")                                                 \
  X(CARD_INSERTED, "card inserted")                                            \
  X(CARD_REMOVED, "card removed")                                              \
  X(IDLE_TIMEOUT, "idle timeout")                                              \
  X(CANCEL, "Esc")                                                             \
  X(LOGOUT, "0 or Esc: sign out; Enter twice on a service above the session's level") \
  X(TAKE_CARD, "Enter or Esc: take the card")                                  \
  X(CARD_VERIFIED, "identity verified, PIN tries left")                        \
  X(CARD_REFUSED, "card refused")                                              \
  X(PIN_BLOCKED, "no PIN tries left")                                          \
  X(PINPAD, "PIN pad reader: the PIN is typed on the reader")                  \
  X(PIN_ENTERED, "Enter with a PIN of the card's length")                      \
  X(PIN_WRONG, "wrong PIN, tries left")                                        \
  X(LOGGED_IN, "window session opened")                                        \
  X(MENU_OTP, "1 on home: sign in with a code sent to the mobile")             \
  X(OTP_SENT, "the window sent the one-time code")                             \
  X(MENU_LEVEL1, "2 on home: sign in with the national code and date of birth") \
  X(MENU_SEARCH, "1")                                                          \
  X(MENU_AGENCIES, "2")                                                        \
  X(MENU_STATUS, "3")                                                          \
  X(MENU_INBOX, "4")                                                           \
  X(MENU_DOCUMENT, "5")                                                        \
  X(OPEN, "digit or Enter on a row; signed in again for the service asked for") \
  X(BACK, "Backspace or Esc")                                                  \
  X(BACK_TO_SEARCH, "Backspace or Esc, when the service was found by search")  \
  X(BACK_TO_INBOX, "Backspace or Esc, when an inbox notice offered the service") \
  X(REQUEST, "Enter, when the session's level is enough")                      \
  X(FORM_DONE, "Enter on the last field, every field valid")                   \
  X(SEND, "Enter: send (one idempotency key per request)")                     \
  X(PAY, "Enter on the review of a fee service")                               \
  X(PAID, "the terminal approved and the window took the payment")             \
  X(PAY_CANCELLED, "Esc while paying: the payment is reversed")                \
  X(SUBMITTED, "the window's receipt")                                         \
  X(SUBMIT_FAILED, "the window refused or could not be reached (message)")     \
  X(STOP_WAITING, "Esc: stop waiting (message)")                               \
  X(DONE, "Enter, Backspace or 0")                                            \
  X(MENU_ENTITY, "6: act for a company")                                       \
  X(CLERK_CONFIRMED, "counter: the window confirmed the clerk (shift opened or resumed)") \
  X(NEXT_CITIZEN, "counter: F3, the next citizen (the citizen's part wiped)")

/* Counter mode's desk: the clerk's shift around the citizen's screens. The citizen's part runs
 * on the screens above; whenever it is at home, the desk's state says what the counter shows.
 * X(ID, name, what the clerk sees) */
#define PK_DESK_STATES(X)                                                      \
  X(OFF, off, "kiosk mode: no desk")                                           \
  X(CLOSED, closed, "no shift: the clerk's card and PIN open one")             \
  X(OPEN, open, "the desk: next citizen, ways in, the ticket called")          \
  X(SWAP, swap, "one reader: the clerk's card out, the citizen's card goes in") \
  X(LOCKED, locked, "locked: the clerk's card and PIN resume the shift")       \
  X(REPORT, report, "the shift closed: its report, Enter to finish")

#define PK_DESK_EVENTS(X)                                                      \
  X(SHIFT_OPENED, "the window confirmed the clerk's card")                     \
  X(RESUMED, "the same clerk's card and PIN again")                            \
  X(CLERK_CARD_OUT, "the clerk's card removed (two readers)")                  \
  X(CLERK_SWAP, "the clerk's card removed at the desk (one reader)")           \
  X(CITIZEN_GONE, "the citizen's session ended (one reader)")                  \
  X(DESK_IDLE, "the desk untouched for [counter] desk_lock seconds")           \
  X(END_SHIFT, "F8 at the desk")                                               \
  X(SHIFT_EXPIRED, "the shift open for [counter] shift_max_h hours")           \
  X(REPORT_DONE, "Enter on the shift report")

#endif
