/*
 * cni.h - the Container Network Interface protocol (spec 1.0.0 and
 * 1.1.0, and 0.4.0 results): the environment and network configuration
 * a runtime hands a plugin, the results and errors a plugin answers
 * with, and an IPAM plugin executed as the spec says.
 *
 * A configuration comes from whoever can write the runtime's config
 * directory, and a result from another program: both are hostile input,
 * parsed strictly into the structs below (every field either taken,
 * checked for its type, or ignored as the spec allows), and fuzzed
 * (tests/fuzz/fuzz_cni.c).  Functions return 0, or -1 with the error
 * filled in as the spec's code, message and details.
 */
/* boxutils-pkgs: jansson */
#ifndef BOX_CNI_H
#define BOX_CNI_H

#include "netlink.h"
#include "nft.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The spec's error codes (1-99 are the spec's, 100 and up a plugin's). */
enum {
	CNI_ERR_VERSION = 1,  /* incompatible CNI version */
	CNI_ERR_FIELD = 2,    /* unsupported field in the configuration */
	CNI_ERR_UNKNOWN = 3,  /* container unknown or does not exist */
	CNI_ERR_ENV = 4,      /* invalid necessary environment variables */
	CNI_ERR_IO = 5,	      /* I/O failure */
	CNI_ERR_DECODE = 6,   /* failed to decode content */
	CNI_ERR_CONFIG = 7,   /* invalid network configuration */
	CNI_ERR_AGAIN = 11,   /* try again later */
	CNI_ERR_UNAVAIL = 50, /* STATUS: the plugin is not available */
	CNI_ERR_KERNEL = 100, /* the kernel refused a request */
	CNI_ERR_CHECK = 101,  /* CHECK: the container's network differs */
	CNI_ERR_EXISTS = 102, /* ADD: the interface is already there */
};

struct cni_error {
	int code;
	char msg[256];
	char details[512];
};

/* Fill e (always returns -1, for `return cni_seterr(...)`). */
int cni_seterr(struct cni_error *e, int code, const char *details,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

enum cni_command {
	CNI_ADD,
	CNI_DEL,
	CNI_CHECK,
	CNI_VERSION,
	CNI_GC,
	CNI_STATUS,
};

/* The CNI_* variables; which are required depends on the command. */
struct cni_env {
	enum cni_command cmd;
	const char *command;
	const char *containerid;
	const char *netns;
	const char *ifname;
	const char *path;
};

/* From the environment; -1 (code 4) for a missing or malformed one. */
int cni_env_read(struct cni_env *env, struct cni_error *e);

#define CNI_MAX_IPS    16
#define CNI_MAX_ROUTES 64
#define CNI_MAX_PORTS  64

struct cni_ip {
	struct cidr addr; /* address with its subnet's prefix */
	struct cidr gw;	  /* family 0: none */
	int iface;	  /* index into interfaces, -1 none */
};

struct cni_route {
	struct cidr dst;
	struct cidr gw; /* family 0: none */
};

/* A result (an IPAM plugin's, or prevResult), as far as it is used. */
struct cni_result {
	struct cni_ip ips[CNI_MAX_IPS];
	unsigned int n_ips;
	struct cni_route routes[CNI_MAX_ROUTES];
	unsigned int n_routes;
	json_t *interfaces; /* array, kept as given (NULL: none) */
	json_t *dns;	    /* object, kept as given (NULL: none) */
};

/* The network configuration on stdin, checked. */
struct cni_conf {
	json_t *root;
	const char *version; /* cniVersion, one of the supported ones */
	const char *name;
	const char *type;
	const char *bridge; /* default "cni0" */
	bool is_gateway, is_default_gw, ip_masq, hairpin;
	unsigned int mtu; /* 0: the default */
	json_t *ipam;	  /* object, NULL when there is none */
	const char *ipam_type;
	bool has_prev;
	struct cni_result prev; /* prevResult when has_prev */
	struct nft_port ports[CNI_MAX_PORTS];
	unsigned int n_ports; /* runtimeConfig.portMappings, when asked */
	bool ports_cap;	      /* capabilities.portMappings */
	json_t *valid;	      /* GC: cni.dev/valid-attachments, or NULL */
};

/* The versions a plugin of ours speaks, for VERSION's answer. */
extern const char *const cni_versions[];

/* Is v one of cni_versions? */
bool cni_version_ok(const char *v);
/* Does the configuration's version know command cmd? (GC, STATUS: 1.1.0) */
bool cni_version_has(const char *v, enum cni_command cmd);

/* Parse len bytes of a network configuration into c (c->root owned). */
int cni_conf_parse(const char *buf, size_t len, struct cni_conf *c,
		   struct cni_error *e);
void cni_conf_free(struct cni_conf *c);

/* A result object into r (referencing, not copying, its arrays). */
int cni_result_parse(json_t *obj, struct cni_result *r, struct cni_error *e);

/*
 * Run the IPAM plugin c->ipam_type from env->path with the runtime's
 * environment and the configuration (conf, len bytes) on its stdin; an
 * ADD's result goes to *out (owned by the caller).  A plugin that fails
 * passes its error on in e.
 */
int cni_ipam_exec(const struct cni_env *env, const struct cni_conf *c,
		  const char *conf, size_t len, const char *command,
		  json_t **out, struct cni_error *e);

/* Is plugin type found in env->path?  0 or -1 with e filled (code 50). */
int cni_plugin_find(const struct cni_env *env, const char *type, char *path,
		    size_t size, struct cni_error *e);

/*
 * Does plugin type speak version (its VERSION answer lists it)?  0 with
 * e->code 0 when it does, 0 with e->code set when it does not, -1 when
 * it cannot be found or run.
 */
int cni_plugin_speaks(const struct cni_env *env, const char *type,
		      const char *version, struct cni_error *e);

/* Print the error as the spec's JSON on stdout. */
void cni_error_print(const char *version, const struct cni_error *e);

#endif
