#ifndef MESH_TOP_CNCURSESW_SHIM_H
#define MESH_TOP_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so ask for the wide-character API explicitly.
#define NCURSES_WIDECHAR 1
#include <locale.h>
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

#endif
