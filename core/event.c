#include "pishkhan/event.h"

const char *pk_event_name(pk_event_type type) {
  switch (type) {
  case PK_EV_NONE: return "none";
  case PK_EV_READER_ADDED: return "reader-added";
  case PK_EV_READER_REMOVED: return "reader-removed";
  case PK_EV_CARD_INSERTED: return "card-inserted";
  case PK_EV_CARD_REMOVED: return "card-removed";
  case PK_EV_READER_ERROR: return "reader-error";
  case PK_EV_QUIT: return "quit";
  }
  return "unknown";
}
