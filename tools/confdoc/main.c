/* pishkhan.conf(5) from the two places that know the settings: the key table compiled into the
 * program (what each key allows, its default) and packaging/pishkhan.conf (what each key is for,
 * in its comments). With --check it fails when they disagree: a key one of them lacks, or a
 * value in the sample that is not the default and not marked as an example. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/config.h"

#define MAX_GROUPS 128
#define MAX_KEYS 16
typedef struct {
  char section[32];
  char text[2048];
  char keys[MAX_KEYS][64], values[MAX_KEYS][PK_CFG_STR];
  int nkeys;
} group;

static group groups[MAX_GROUPS];
static int ngroups;

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
  return s;
}

static group *current(const char *section, bool for_comment) {
  group *g = ngroups ? &groups[ngroups - 1] : NULL;
  bool fresh = !g || strcmp(g->section, section) || (for_comment && g->nkeys);
  if (fresh && ngroups < MAX_GROUPS) {
    g = &groups[ngroups++];
    snprintf(g->section, sizeof g->section, "%s", section);
  }
  return g;
}

static void add_key(const char *section, char *line) {
  char *eq = strchr(line, '=');
  *eq = '\0';
  group *g = current(section, false);
  if (g->nkeys == MAX_KEYS) return;
  snprintf(g->keys[g->nkeys], sizeof g->keys[0], "%s", trim(line));
  snprintf(g->values[g->nkeys], sizeof g->values[0], "%s", trim(eq + 1));
  g->nkeys++;
}

static int read_sample(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return perror(path), -1;
  char buf[1024], section[32] = "";
  while (fgets(buf, sizeof buf, f)) {
    char *l = trim(buf);
    if (*l == ';') {
      group *g = current(section, true);
      size_t n = strlen(g->text);
      snprintf(g->text + n, sizeof g->text - n, "%s%s", n ? " " : "", trim(l + 1));
    } else if (*l == '[') {
      snprintf(section, sizeof section, "%.*s", (int)strcspn(l + 1, "]"), l + 1);
    } else if (strchr(l, '=')) {
      add_key(section, l);
    }
  }
  fclose(f);
  return 0;
}

static const group *group_of(const char *section, const char *name, int *idx) {
  for (int g = 0; g < ngroups; g++)
    for (int k = 0; k < groups[g].nkeys; k++)
      if (!strcmp(groups[g].section, section) && !strcmp(groups[g].keys[k], name)) return *idx = k, &groups[g];
  return NULL;
}

static bool compiled(const char *section, const char *name) {
  pk_config_key_info ki;
  for (size_t i = 0; i < pk_config_key_count(); i++) {
    pk_config_key_describe(i, &ki);
    if (!strcmp(ki.section, section) && !strcmp(ki.name, name)) return true;
  }
  return false;
}

static int check(const char *sample) {
  int bad = 0, k;
  pk_config_key_info ki;
  for (size_t i = 0; i < pk_config_key_count(); i++) {
    pk_config_key_describe(i, &ki);
    const group *g = group_of(ki.section, ki.name, &k);
    if (!g)
      bad++, fprintf(stderr, "%s: [%s] %s is a key of the program but not documented here\n", sample, ki.section,
                     ki.name);
    else if (strcmp(g->values[k], ki.value) && !strstr(g->text, "example") && !strstr(g->text, "packaged value"))
      bad++, fprintf(stderr, "%s: [%s] %s = %s, but the compiled-in default is \"%s\" (or say \"example\")\n", sample,
                     ki.section, ki.name, g->values[k], ki.value);
  }
  for (int g = 0; g < ngroups; g++)
    for (k = 0; k < groups[g].nkeys; k++)
      if (!compiled(groups[g].section, groups[g].keys[k]))
        bad++, fprintf(stderr, "%s: [%s] %s is not a key of the program\n", sample, groups[g].section, groups[g].keys[k]);
  return bad ? 1 : 0;
}

/* scdoc marks up * and _: the settings' words are printed as they are. */
static void put(const char *s) {
  for (; *s; s++) {
    if (*s == '*' || *s == '_' || *s == '\\') putchar('\\');
    putchar(*s);
  }
}

static void print_key(const char *section, const char *name) {
  pk_config_key_info ki;
  for (size_t i = 0; i < pk_config_key_count(); i++) {
    pk_config_key_describe(i, &ki);
    if (strcmp(ki.section, section) || strcmp(ki.name, name)) continue;
    printf("*");
    put(name);
    printf("* (default: ");
    put(ki.value[0] ? ki.value : "empty");
    printf(")\n\tAllowed: ");
    put(ki.allowed);
    printf(".\n\n");
  }
}

static void print_page(void) {
  puts("pishkhan.conf(5)\n\n# NAME\n\npishkhan.conf - the settings of the Pishkhan kiosk\n\n# SYNOPSIS\n\n"
       "_/etc/pishkhan/pishkhan.conf_\n\n# DESCRIPTION\n");
  const char *section = "";
  for (int g = 0; g < ngroups; g++) {
    if (strcmp(groups[g].section, section)) {
      section = groups[g].section;
      printf("# [%s]\n\n", section);
    }
    for (int k = 0; k < groups[g].nkeys; k++) print_key(section, groups[g].keys[k]);
    /* Under its keys, at the depth of their descriptions; the header's text stands alone. */
    if (groups[g].text[0]) printf("%s", groups[g].nkeys ? "\t" : ""), put(groups[g].text), printf("\n\n");
  }
  puts("# SEE ALSO\n\n*pishkhan*(1)");
}

int main(int argc, char **argv) {
  if (argc < 2 || read_sample(argv[1]) != 0) {
    fprintf(stderr, "usage: pk_conf_doc packaging/pishkhan.conf [--check]\n");
    return 2;
  }
  if (argc > 2 && !strcmp(argv[2], "--check")) return check(argv[1]);
  print_page();
  return 0;
}
