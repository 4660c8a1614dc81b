/*
 * ns.h - the namespace table: one row per namespace type, so code that
 * handles "every namespace" is a loop, and adding one is a row.
 */
#ifndef BOX_NS_H
#define BOX_NS_H

#include <sys/types.h>

struct ns_type {
	int flag;		/* CLONE_NEW* */
	const char *file;	/* name under /proc/PID/ns/ */
	const char *option;	/* long option: --mount, --net, ... */
	char shortopt;		/* util-linux short option */
};

/*
 * In the order namespaces are best entered: user first (ns-enter moves
 * it first or last as privilege requires), mount last, because joining a
 * mount namespace changes what "/proc" means for the rest.
 */
extern const struct ns_type ns_types[];
extern const unsigned ns_count;

const struct ns_type *ns_by_flag(int flag);

#endif
