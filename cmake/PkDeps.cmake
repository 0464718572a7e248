# Every external library comes through pkg-config imported targets.
# docs/dependencies.md says, one line each, why we use it.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(NCURSESW REQUIRED IMPORTED_TARGET ncursesw)
pkg_check_modules(CURL     REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(PCSC     REQUIRED IMPORTED_TARGET libpcsclite)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(ICU      REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(JANSSON  REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(SQLITE   REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(OPENSSL  REQUIRED IMPORTED_TARGET openssl>=3.0)
pkg_check_modules(MHD      REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(CMOCKA   REQUIRED IMPORTED_TARGET cmocka)
pkg_check_modules(INIH     REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo pangoft2 fontconfig)
pkg_check_modules(CAIRO    REQUIRED IMPORTED_TARGET cairo cairo-pdf cairo-png)
pkg_check_modules(ZBAR     REQUIRED IMPORTED_TARGET zbar)
pkg_check_modules(JOSE     REQUIRED IMPORTED_TARGET jose)
pkg_check_modules(SYSTEMD  REQUIRED IMPORTED_TARGET libsystemd)

find_program(TMUX_EXE tmux)
find_program(MSGFMT_EXE msgfmt REQUIRED)
find_program(OPENSSL_EXE openssl REQUIRED)

# libcups: its header only. receipt/print_cups.c loads the library when a kiosk prints to CUPS
# (docs/dependencies.md says why). Debian 12's libcups2-dev ships no cups.pc.
find_path(CUPS_INCLUDE_DIR cups/cups.h REQUIRED)
add_library(PkgConfig::CUPS_HEADERS INTERFACE IMPORTED)
target_include_directories(PkgConfig::CUPS_HEADERS INTERFACE ${CUPS_INCLUDE_DIR})
