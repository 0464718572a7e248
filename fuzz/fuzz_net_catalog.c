/* libFuzzer: a hostile catalog answer written into the store. It is refused whole or
 * stored whole; browsing and search on what was stored never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pishkhan/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pk_catalog *cat;
  if (!cat) cat = pk_catalog_open(":memory:", NULL);
  if (!cat) return 0;
  char err[128];
  if (pk_catalog_replace_json(cat, (const char *)data, size, "\"e\"", err, sizeof err) == 0) {
    const pk_agency *a;
    size_t na = pk_catalog_agencies(cat, &a);
    const pk_service *list[8];
    for (size_t i = 0; i < na; i++) pk_catalog_services_of(cat, a[i].id, list, 8);
    size_t n = pk_catalog_search(cat, "ی", list, 8);
    for (size_t i = 0; i < n; i++) {
      size_t nf;
      pk_catalog_form(cat, list[i], &nf);
    }
  }
  return 0;
}
