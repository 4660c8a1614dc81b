/*
 * ns-list - the containers on this host: processes grouped by their set
 * of namespaces, each with its init, the runtime that made it, its ID
 * and name, cgroup and addresses.
 *
 *	ns-list [options] [NAME|ID...]
 *
 * The scan, and the naming of each container, is common/containers.c, so
 * that ns-enter --container finds a container exactly as it is listed.
 */
#include "box.h"
#include "containers.h"
#include "ns.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'J'},
    {"type", required_argument, NULL, 't'},   {"tree", no_argument, NULL, 'T'},
    {"noheadings", no_argument, NULL, 'n'},   {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
};

enum col {
	C_PID,
	C_PPID,
	C_LAUNCHER,
	C_NPROCS,
	C_RUNTIME,
	C_ID,
	C_NAME,
	C_USER,
	C_UID,
	C_NS,
	C_CGROUP,
	C_HOSTNAME,
	C_ADDR,
	C_COMMAND,
	C_COUNT,
};

/* One row per column: its name in -o and JSON, and what it shows. */
static const struct column {
	const char *name;
	const char *help;
	bool number; /* JSON number, right-aligned */
	bool list;   /* JSON array of the comma-separated text */
} columns[C_COUNT] = {
    [C_PID] = {"PID", "init: the first process of the set", true, false},
    [C_PPID] = {"PPID", "the parent of the init", true, false},
    [C_LAUNCHER] = {"LAUNCHER",
		    "the unshare --fork parent outside its PID namespace", true,
		    false},
    [C_NPROCS] = {"NPROCS", "processes in the container", true, false},
    [C_RUNTIME] = {"RUNTIME", "the runtime that made it", false, false},
    [C_ID] = {"ID", "the runtime's ID of it", false, false},
    [C_NAME] = {"NAME", "its name (Kubernetes: POD/CONTAINER)", false, false},
    [C_USER] = {"USER", "owner of the init", false, false},
    [C_UID] = {"UID", "uid of the init", true, false},
    [C_NS] = {"NS", "the namespaces it has of its own", false, true},
    [C_CGROUP] = {"CGROUP", "cgroup of the init", false, false},
    [C_HOSTNAME] = {"HOSTNAME", "hostname of its own UTS namespace", false,
		    false},
    [C_ADDR] = {"ADDR", "addresses in its network namespace", false, true},
    [C_COMMAND] = {"COMMAND", "command line of the init", false, false},
};

static const enum col default_cols[] = {C_PID,	C_RUNTIME, C_ID,   C_NAME,
					C_USER, C_NS,	   C_ADDR, C_COMMAND};

static struct {
	enum col cols[C_COUNT * 2];
	unsigned ncols;
	bool json, tree, noheadings;
	unsigned types; /* bit i: must have ns_types[i] of its own */
	char **keys;	/* NAME|ID operands */
	int nkeys;
} opt;

_Noreturn static void usage(void)
{
	printf("Usage: %s [options] [NAME|ID...]\n"
	       "List the containers on this host: processes grouped by their "
	       "namespaces.\n"
	       "\n"
	       "  -o, --output LIST   columns to show, comma-separated "
	       "(+LIST adds to the default)\n"
	       "  -J, --json          JSON output\n"
	       "  -t, --type TYPE     only containers with a TYPE namespace of "
	       "their own\n"
	       "                      (mnt uts ipc net pid user cgroup time); "
	       "may be repeated\n"
	       "  -T, --tree          show containers inside the one that "
	       "started them\n"
	       "  -n, --noheadings    no header line\n"
	       "  -h, --help          show this help\n"
	       "  -V, --version       show the version\n"
	       "\n"
	       "Columns:\n",
	       box_prog);
	for (unsigned i = 0; i < C_COUNT; i++)
		printf("  %-9s %s\n", columns[i].name, columns[i].help);
	exit(0);
}

static void add_col(const char *s, size_t n)
{
	for (unsigned i = 0; i < C_COUNT; i++) {
		if (strlen(columns[i].name) != n ||
		    strncasecmp(columns[i].name, s, n))
			continue;
		if (opt.ncols >= ARRAY_SIZE(opt.cols))
			xusage_error("too many columns in --output");
		opt.cols[opt.ncols++] = (enum col)i;
		return;
	}
	xusage_error("unknown column '%.*s' (see --help for the list)",
		     (int)(n > 40 ? 40 : n), s);
}

static void parse_output(const char *list)
{
	const char *p = list, *e;

	if (*p == '+') {
		p++;
	} else {
		opt.ncols = 0;
	}
	if (!*p)
		xusage_error("empty column list for --output");
	for (;; p = e + 1) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if (e == p)
			xusage_error("empty column name in --output '%s'",
				     list);
		add_col(p, (size_t)(e - p));
		if (!*e)
			break;
	}
}

static void parse_type(const char *s)
{
	for (unsigned i = 0; i < ns_count; i++) {
		if (!strcmp(s, ns_types[i].file) ||
		    !strcmp(s, ns_types[i].option)) {
			opt.types |= 1u << i;
			return;
		}
	}
	xusage_error("unknown namespace type '%s' (mnt uts ipc net pid user "
		     "cgroup time)",
		     s);
}

static void parse_args(int argc, char **argv)
{
	int c;

	for (unsigned i = 0; i < ARRAY_SIZE(default_cols); i++)
		opt.cols[opt.ncols++] = default_cols[i];
	opterr = 0;
	/* no '+': a tool that takes no prog accepts options after operands */
	while ((c = getopt_long(argc, argv, ":o:Jt:TnhV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			parse_output(optarg);
			break;
		case 'J':
			opt.json = true;
			break;
		case 't':
			parse_type(optarg);
			break;
		case 'T':
			opt.tree = true;
			break;
		case 'n':
			opt.noheadings = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	opt.keys = argv + optind;
	opt.nkeys = argc - optind;
	for (int i = 0; i < opt.nkeys; i++)
		if (!opt.keys[i][0])
			xusage_error("empty container name");
}

/* --- user names, without NSS (a static binary must not dlopen it) ------- */

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	static char *passwd;
	static bool tried;
	const char *line;

	if (!tried) {
		FILE *f = fopen("/etc/passwd", "re");
		size_t cap = 0;

		tried = true;
		if (f) {
			size_t n = 0;
			char chunk[4096];
			size_t r;

			while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
				char *np = realloc(passwd, n + r + 1);

				if (!np)
					break;
				passwd = np;
				memcpy(passwd + n, chunk, r);
				n += r;
				passwd[n] = '\0';
				cap = n;
			}
			fclose(f);
		}
		(void)cap;
	}
	/* "name:x:uid:..." */
	for (line = passwd; line && *line;) {
		const char *c1 = strchr(line, ':'), *nl = strchr(line, '\n');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!nl)
			nl = line + strlen(line);
		if (c1 && c2 && c2 < nl) {
			char *end;
			unsigned long v = strtoul(c2 + 1, &end, 10);

			if (end > c2 + 1 && *end == ':' && v == uid &&
			    c1 - line < (long)size) {
				snprintf(buf, size, "%.*s", (int)(c1 - line),
					 line);
				return buf;
			}
		}
		line = *nl ? nl + 1 : nl;
	}
	snprintf(buf, size, "%u", (unsigned)uid);
	return buf;
}

/* --- cells -------------------------------------------------------------------
 */

static void cell(const struct ct *c, enum col k, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	switch (k) {
	case C_PID:
		snprintf(buf, size, "%d", (int)c->pid);
		break;
	case C_PPID:
		snprintf(buf, size, "%d", (int)c->ppid);
		break;
	case C_LAUNCHER:
		if (c->launcher)
			snprintf(buf, size, "%d", (int)c->launcher);
		break;
	case C_NPROCS:
		snprintf(buf, size, "%u", c->nprocs);
		break;
	case C_RUNTIME:
		if (c->ident.rt != RT_NONE)
			snprintf(buf, size, "%s", ct_runtime_name(c->ident.rt));
		break;
	case C_ID:
		snprintf(buf, size, "%s", c->ident.id);
		break;
	case C_NAME:
		snprintf(buf, size, "%s", c->ident.name);
		break;
	case C_USER:
		user_name(c->uid, buf, size);
		break;
	case C_UID:
		snprintf(buf, size, "%u", (unsigned)c->uid);
		break;
	case C_NS:
		for (unsigned i = 0; i < ns_count; i++) {
			if (!(c->own & (1u << i)))
				continue;
			used +=
			    (size_t)snprintf(buf + used, size - used, "%s%s",
					     used ? "," : "", ns_types[i].file);
			if (used >= size)
				break;
		}
		break;
	case C_CGROUP:
		snprintf(buf, size, "%s", c->cgroup);
		break;
	case C_HOSTNAME:
		snprintf(buf, size, "%s", c->hostname);
		break;
	case C_ADDR:
		snprintf(buf, size, "%s", c->addr);
		break;
	case C_COMMAND:
		if (c->cmd[0])
			snprintf(buf, size, "%s", c->cmd);
		else
			snprintf(buf, size, "[%s]", c->comm);
		break;
	case C_COUNT:
		break;
	}
}

/*
 * What another program wrote (a command line, a container name) may hold
 * anything: on a terminal control characters show as '?', and in JSON
 * bytes that are not UTF-8 do, so the output always parses.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static void clean_text(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void json_str(const char *s)
{
	putchar('"');
	while (*s) {
		const unsigned char *u = (const unsigned char *)s;
		size_t n = utf8_len(u);

		if (n == 0) {
			putchar('?');
			s++;
		} else if (n > 1) {
			fwrite(s, 1, n, stdout);
			s += n;
		} else {
			if (*u == '"' || *u == '\\')
				printf("\\%c", *u);
			else if (*u < 0x20 || *u == 0x7f)
				printf("\\u%04x", *u);
			else
				putchar(*u);
			s++;
		}
	}
	putchar('"');
}

/* --- selection and order ----------------------------------------------------
 */

static struct ct_list list;
static bool *shown;

static void select_containers(void)
{
	size_t idx[64];

	shown = calloc(list.n ? list.n : 1, sizeof(*shown));
	if (!shown)
		xdie_errno("list containers");
	for (size_t i = 0; i < list.n; i++)
		shown[i] =
		    opt.nkeys == 0 && (list.v[i].own & opt.types) == opt.types;
	for (int k = 0; k < opt.nkeys; k++) {
		size_t n = ct_match(&list, opt.keys[k], idx, ARRAY_SIZE(idx));

		if (n == 0)
			xdie("no container named '%s'", opt.keys[k]);
		for (size_t j = 0; j < n && j < ARRAY_SIZE(idx); j++)
			if ((list.v[idx[j]].own & opt.types) == opt.types)
				shown[idx[j]] = true;
	}
}

/* The nearest shown container enclosing i, or -1. */
static int shown_parent(size_t i)
{
	int p = list.v[i].parent;

	for (size_t steps = 0; p >= 0 && steps < list.n; steps++) {
		if (shown[p])
			return p;
		p = list.v[p].parent;
	}
	return -1;
}

static bool is_child(size_t i, int parent)
{
	return shown[i] && (opt.tree ? shown_parent(i) : -1) == parent;
}

/* --- text -------------------------------------------------------------------
 */

static size_t width[C_COUNT * 2];

static void text_row(const struct ct *c, const char *prefix)
{
	char buf[1024];

	for (unsigned k = 0; k < opt.ncols; k++) {
		const struct column *col = &columns[opt.cols[k]];
		bool last = k + 1 == opt.ncols;
		size_t w;

		cell(c, opt.cols[k], buf, sizeof(buf));
		clean_text(buf);
		if (!buf[0])
			snprintf(buf, sizeof(buf), "-");
		if (k == 0 && prefix && prefix[0]) {
			size_t pl = strlen(prefix), bl = strlen(buf);

			if (pl + bl < sizeof(buf)) {
				memmove(buf + pl, buf, bl + 1);
				memcpy(buf, prefix, pl);
			}
		}
		w = width[k];
		if (last)
			printf("%s", buf);
		else if (col->number && !(k == 0 && prefix))
			printf("%*s ", (int)w, buf);
		else
			printf("%-*s ", (int)w, buf);
	}
	putchar('\n');
}

static size_t tree_width(size_t i, size_t depth)
{
	char buf[1024];
	size_t w;

	cell(&list.v[i], opt.cols[0], buf, sizeof(buf));
	w = strlen(buf) + 2 * depth;
	for (size_t j = 0; j < list.n; j++)
		if (is_child(j, (int)i)) {
			size_t cw = tree_width(j, depth + 1);

			if (cw > w)
				w = cw;
		}
	return w;
}

static void text_tree(int parent, char *prefix, size_t plen)
{
	size_t last = SIZE_MAX;

	for (size_t i = 0; i < list.n; i++)
		if (is_child(i, parent))
			last = i;
	for (size_t i = 0; i < list.n; i++) {
		char row[600];

		if (!is_child(i, parent))
			continue;
		if (parent < 0) {
			row[0] = '\0';
		} else {
			snprintf(row, sizeof(row), "%.*s%s", (int)plen, prefix,
				 i == last ? "`-" : "|-");
		}
		text_row(&list.v[i], row);
		if (plen + 3 < 512 && parent >= 0)
			memcpy(prefix + plen, i == last ? "  " : "| ", 2);
		text_tree((int)i, prefix,
			  parent >= 0 && plen + 3 < 512 ? plen + 2 : plen);
	}
}

static void print_text(void)
{
	char buf[1024];

	for (unsigned k = 0; k < opt.ncols; k++) {
		width[k] =
		    opt.noheadings ? 1 : strlen(columns[opt.cols[k]].name);
		for (size_t i = 0; i < list.n; i++) {
			if (!shown[i])
				continue;
			if (k == 0 && opt.tree) {
				if (shown_parent(i) < 0) {
					size_t w = tree_width(i, 0);

					if (w > width[k])
						width[k] = w;
				}
				continue;
			}
			cell(&list.v[i], opt.cols[k], buf, sizeof(buf));
			if (strlen(buf) > width[k])
				width[k] = strlen(buf);
		}
	}
	if (!opt.noheadings) {
		for (unsigned k = 0; k < opt.ncols; k++) {
			const struct column *col = &columns[opt.cols[k]];

			if (k + 1 == opt.ncols)
				printf("%s", col->name);
			else if (col->number && !(k == 0 && opt.tree))
				printf("%*s ", (int)width[k], col->name);
			else
				printf("%-*s ", (int)width[k], col->name);
		}
		putchar('\n');
	}
	if (opt.tree) {
		char prefix[520];

		text_tree(-1, prefix, 0);
		return;
	}
	for (size_t i = 0; i < list.n; i++)
		if (shown[i])
			text_row(&list.v[i], NULL);
}

/* --- JSON -------------------------------------------------------------------
 */

static void json_ct(size_t i, int depth)
{
	char buf[1024];
	bool first_child = true;

	printf("%*s{", depth * 2 + 2, "");
	for (unsigned k = 0; k < opt.ncols; k++) {
		const struct column *col = &columns[opt.cols[k]];
		char key[16];
		size_t j;

		for (j = 0; col->name[j] && j + 1 < sizeof(key); j++)
			key[j] = (char)(col->name[j] | 0x20);
		key[j] = '\0';
		cell(&list.v[i], opt.cols[k], buf, sizeof(buf));
		printf("%s\"%s\": ", k ? ", " : "", key);
		if (col->list) {
			char *p = buf, *e;

			putchar('[');
			while (*p) {
				e = strchr(p, ',');
				if (e)
					*e = '\0';
				if (p != buf)
					printf(", ");
				json_str(p);
				if (!e)
					break;
				p = e + 1;
			}
			putchar(']');
		} else if (!buf[0]) {
			printf("null");
		} else if (col->number) {
			printf("%s", buf);
		} else {
			json_str(buf);
		}
	}
	if (opt.tree) {
		for (size_t j = 0; j < list.n; j++) {
			if (!is_child(j, (int)i))
				continue;
			printf(first_child ? ",\n%*s\"children\": [\n" : ",\n",
			       depth * 2 + 3, "");
			json_ct(j, depth + 2);
			first_child = false;
		}
		if (!first_child)
			printf("\n%*s]", depth * 2 + 3, "");
	}
	putchar('}');
}

static void print_json(void)
{
	bool first = true;

	printf("{\n\"containers\": [\n");
	for (size_t i = 0; i < list.n; i++) {
		if (!is_child(i, -1))
			continue;
		if (!first)
			printf(",\n");
		json_ct(i, 0);
		first = false;
	}
	printf("%s]\n}\n", first ? "" : "\n");
}

static bool want_col(enum col k)
{
	for (unsigned i = 0; i < opt.ncols; i++)
		if (opt.cols[i] == k)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	box_init(argc, argv);
	parse_args(argc, argv);

	/* addresses cost a trip into each network namespace: only if shown */
	if (ct_scan(&list, want_col(C_ADDR) ? CT_ADDR : 0) < 0)
		xdie_errno("read /proc");
	select_containers();
	if (opt.json)
		print_json();
	else
		print_text();
	return 0;
}
