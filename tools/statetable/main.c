/* Prints the state machine's transition table (core/app_machine.c) as the Markdown table and
 * Mermaid diagram of docs/architecture.md, so the docs are made from the table and cannot
 * drift: scripts/gen-docs writes them, the docs_state_table test compares. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pishkhan/app.h"

static const char *from_name(int from) {
  return from == PK_STATE_SESSION ? "*session* (every screen but home)" : pk_screen_name((pk_screen_id)from);
}

static void print_table(const pk_transition *t, size_t n) {
  puts("| screen | what it shows |");
  puts("|---|---|");
  for (int s = 0; s < PK_SCREEN_COUNT; s++) printf("| %s | %s |\n", pk_screen_name((pk_screen_id)s), pk_screen_what((pk_screen_id)s));
  puts("");
  puts("| from | event | on | goes to |");
  puts("|---|---|---|---|");
  for (size_t i = 0; i < n; i++)
    printf("| %s | %s | %s | %s%s |\n", from_name(t[i].from), pk_app_event_name(t[i].ev), pk_app_event_cause(t[i].ev),
           pk_screen_name(t[i].to), t[i].to == PK_SCREEN_HOME ? " (session wiped)" : "");
}

static void print_diagram(const pk_transition *t, size_t n) {
  puts("```mermaid");
  puts("stateDiagram-v2");
  puts("  [*] --> home");
  puts("  state session {");
  for (int s = 1; s < PK_SCREEN_COUNT; s++) printf("    %s\n", pk_screen_name((pk_screen_id)s));
  puts("  }");
  for (size_t i = 0; i < n; i++)
    printf("  %s --> %s: %s\n", t[i].from == PK_STATE_SESSION ? "session" : pk_screen_name((pk_screen_id)t[i].from),
           pk_screen_name(t[i].to), pk_app_event_name(t[i].ev));
  puts("```");
}

/* Counter mode's desk (core/app_desk.c): its states and table, and the same as a diagram. */
static void print_desk(bool diagram) {
  size_t n;
  const pk_transition_desk *t = pk_app_desk_transitions(&n);
  if (diagram) {
    puts("```mermaid");
    puts("stateDiagram-v2");
    puts("  [*] --> closed");
    for (size_t i = 0; i < n; i++)
      printf("  %s --> %s: %s\n", pk_desk_state_name(t[i].from), pk_desk_state_name(t[i].to), pk_desk_event_name(t[i].ev));
    puts("```");
    return;
  }
  puts("| desk state | what the clerk sees |");
  puts("|---|---|");
  for (int s = 0; s < PK_DESK_COUNT; s++)
    printf("| %s | %s |\n", pk_desk_state_name((pk_desk_state)s), pk_desk_state_what((pk_desk_state)s));
  puts("");
  puts("| from | event | on | goes to |");
  puts("|---|---|---|---|");
  for (size_t i = 0; i < n; i++)
    printf("| %s | %s | %s | %s%s |\n", pk_desk_state_name(t[i].from), pk_desk_event_name(t[i].ev), pk_desk_event_cause(t[i].ev),
           pk_desk_state_name(t[i].to), t[i].to == PK_DESK_LOCKED || t[i].to == PK_DESK_REPORT ? " (citizen wiped)" : "");
}

int main(int argc, char **argv) {
  size_t n;
  const pk_transition *t = pk_app_transitions(&n);
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "--diagram")) print_diagram(t, n);
  else if (!strcmp(what, "--desk")) print_desk(false);
  else if (!strcmp(what, "--desk-diagram")) print_desk(true);
  else print_table(t, n);
  return 0;
}
