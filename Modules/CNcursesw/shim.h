#ifndef MESH_TOP_CNCURSESW_SHIM_H
#define MESH_TOP_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so ask for the wide-character API explicitly.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

// Swift 6 rejects curses' mutable globals and function-like macros: wrap them.
static inline WINDOW *mesh_stdscr(void) { return stdscr; }
static inline int mesh_lines(void) { return LINES; }
static inline int mesh_cols(void) { return COLS; }
static inline int mesh_colors(void) { return COLORS; }
static inline int mesh_color_pairs(void) { return COLOR_PAIRS; }
static inline void mesh_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline attr_t mesh_a_normal(void) { return A_NORMAL; }
static inline attr_t mesh_a_bold(void) { return A_BOLD; }
static inline attr_t mesh_a_dim(void) { return A_DIM; }
static inline attr_t mesh_a_reverse(void) { return A_REVERSE; }
static inline attr_t mesh_a_underline(void) { return A_UNDERLINE; }
static inline attr_t mesh_color_pair(short n) { return COLOR_PAIR(n); }

// stdin/stdout are mutable C globals that Swift 6 rejects.
static inline FILE *mesh_stdin(void) { return stdin; }
static inline FILE *mesh_stdout(void) { return stdout; }

// Key codes: the octal macros import, but named wrappers keep the Swift side self-describing and
// let a test check them against the values ncurses documents.
static inline int mesh_key_up(void) { return KEY_UP; }
static inline int mesh_key_down(void) { return KEY_DOWN; }
static inline int mesh_key_left(void) { return KEY_LEFT; }
static inline int mesh_key_right(void) { return KEY_RIGHT; }
static inline int mesh_key_home(void) { return KEY_HOME; }
static inline int mesh_key_end(void) { return KEY_END; }
static inline int mesh_key_ppage(void) { return KEY_PPAGE; }
static inline int mesh_key_npage(void) { return KEY_NPAGE; }
static inline int mesh_key_enter(void) { return KEY_ENTER; }
static inline int mesh_key_backspace(void) { return KEY_BACKSPACE; }
static inline int mesh_key_dc(void) { return KEY_DC; }
static inline int mesh_key_btab(void) { return KEY_BTAB; }
static inline int mesh_key_resize(void) { return KEY_RESIZE; }
static inline int mesh_key_f(int n) { return KEY_F(n); }
static inline int mesh_key_code_yes(void) { return KEY_CODE_YES; }
static inline int mesh_err(void) { return ERR; }

// One cell: a single wide character with attributes and a colour pair, placed absolutely so that
// a width disagreement with the terminal can never shift the rest of the row.
static inline int mesh_put_wch(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    wchar_t text[2] = { ch, 0 };
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

// Reads back one cell (tests): its first character, attributes and pair.
static inline int mesh_get_wch_at(int y, int x, wchar_t *ch, attr_t *attrs, short *pair) {
    cchar_t cell;
    wchar_t text[CCHARW_MAX + 1];
    if (mvin_wch(y, x, &cell) == ERR) return ERR;
    if (getcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    *ch = text[0];
    return OK;
}

// One cell with its combining marks: `text` is the spacing character, then up to four zero-width
// ones, 0-terminated (a cchar_t holds CCHARW_MAX = 5).
static inline int mesh_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

// Reads back one cell's characters (tests): up to `capacity` - 1 of them, 0-terminated.
static inline int mesh_get_cell_text(int y, int x, wchar_t *text, int capacity) {
    cchar_t cell;
    wchar_t all[CCHARW_MAX + 1];
    attr_t attrs; short pair;
    if (mvin_wch(y, x, &cell) == ERR) return ERR;
    if (getcchar(&cell, all, &attrs, &pair, NULL) == ERR) return ERR;
    int i = 0;
    for (; i < capacity - 1 && all[i] != 0; i++) text[i] = all[i];
    text[i] = 0;
    return OK;
}

// The C library's width of a character in the current locale (what ncurses lays out by).
int wcwidth(wchar_t c);
static inline int mesh_wcwidth(wchar_t c) { return wcwidth(c); }

// Whether the terminal's description has a string capability (cup, kmous...): tigetstr answers
// NULL when absent and (char *)-1 when the name is not a string capability.
static inline int mesh_has_capability(const char *name) {
    const char *value = tigetstr((char *)name);
    return value != NULL && value != (const char *)-1;
}

// Mouse: clicks of the first button and the wheel (buttons 4 and 5), as htop asks for them.
static inline int mesh_key_mouse(void) { return KEY_MOUSE; }
static inline int mesh_enable_mouse(void) {
    mouseinterval(0);
    return mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0;
}
static inline void mesh_disable_mouse(void) { mousemask(0, NULL); }
// The pending mouse event: 1 click, 4 wheel up, 5 wheel down, 0 anything else.
static inline int mesh_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x; *y = event.y;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    if (event.bstate & BUTTON1_PRESSED) return 1;
    return 0;
}

static inline const char *mesh_codeset(void) { return nl_langinfo(CODESET); }

// ncurses waits ESCDELAY ms after ESC for a sequence; a second is far too slow for Esc to cancel.
static inline void mesh_set_escdelay(int ms) { set_escdelay(ms); }

#endif
