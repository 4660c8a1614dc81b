/* boxutils-pkgs: jansson */
#include "cni.h"
#include "box.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* 0.4.0 results are 1.0.0's with a "version" in each IP; older ones
 * differ more and no runtime still writes them. */
const char *const cni_versions[] = {"0.4.0", "1.0.0", "1.1.0", NULL};

int cni_seterr(struct cni_error *e, int code, const char *details,
	       const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(e->details, sizeof(e->details), "%s", details ? details : "");
	return -1;
}

bool cni_version_ok(const char *v)
{
	for (unsigned int i = 0; cni_versions[i]; i++)
		if (!strcmp(v, cni_versions[i]))
			return true;
	return false;
}

bool cni_version_has(const char *v, enum cni_command cmd)
{
	if (cmd == CNI_GC || cmd == CNI_STATUS)
		return !strcmp(v, "1.1.0");
	return cni_version_ok(v);
}

/* --- environment --------------------------------------------------------- */

static const struct {
	const char *name;
	enum cni_command cmd;
	/* the variables it needs: C container id, N netns, I ifname, P path */
	const char *needs;
} commands[] = {
    {"ADD", CNI_ADD, "CNIP"},	  {"DEL", CNI_DEL, "CIP"},
    {"CHECK", CNI_CHECK, "CNIP"}, {"VERSION", CNI_VERSION, ""},
    {"GC", CNI_GC, "P"},	  {"STATUS", CNI_STATUS, "P"},
};

/* The spec's container id: alphanumerics first, then also _ . - */
static bool id_ok(const char *s)
{
	if (!*s || strlen(s) > 256 ||
	    !strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		    *s))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == strlen(s);
}

int cni_env_read(struct cni_env *env, struct cni_error *e)
{
	const char *why;
	unsigned int i;

	memset(env, 0, sizeof(*env));
	env->command = getenv("CNI_COMMAND");
	env->containerid = getenv("CNI_CONTAINERID");
	env->netns = getenv("CNI_NETNS");
	env->ifname = getenv("CNI_IFNAME");
	env->path = getenv("CNI_PATH");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (env->command && !strcmp(env->command, commands[i].name))
			break;
	if (i == ARRAY_SIZE(commands))
		return cni_seterr(e, CNI_ERR_ENV, env->command,
				  "unknown CNI_COMMAND");
	env->cmd = commands[i].cmd;
	if (strchr(commands[i].needs, 'C') &&
	    (!env->containerid || !id_ok(env->containerid)))
		return cni_seterr(e, CNI_ERR_ENV, env->containerid,
				  "CNI_CONTAINERID missing or not "
				  "[A-Za-z0-9][A-Za-z0-9_.-]*");
	if (strchr(commands[i].needs, 'N') && (!env->netns || !*env->netns))
		return cni_seterr(e, CNI_ERR_ENV, NULL, "CNI_NETNS missing");
	if (strchr(commands[i].needs, 'I')) {
		if (!env->ifname)
			return cni_seterr(e, CNI_ERR_ENV, NULL,
					  "CNI_IFNAME missing");
		why = ifname_problem(env->ifname);
		if (why)
			return cni_seterr(e, CNI_ERR_ENV, env->ifname,
					  "bad CNI_IFNAME: %s", why);
	}
	if (strchr(commands[i].needs, 'P') && (!env->path || !*env->path))
		return cni_seterr(e, CNI_ERR_ENV, NULL, "CNI_PATH missing");
	return 0;
}

/* --- configuration -------------------------------------------------------- */

/* The field of obj named key, if it has the JSON type wanted; -1 when it
 * is there with another type, 0 with *out NULL when it is absent. */
static int field(json_t *obj, const char *key, json_type type, json_t **out,
		 struct cni_error *e)
{
	static const char *const names[] = {
	    [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
	    [JSON_STRING] = "a string",	 [JSON_INTEGER] = "an integer",
	    [JSON_REAL] = "a number",	 [JSON_TRUE] = "a boolean",
	    [JSON_FALSE] = "a boolean",	 [JSON_NULL] = "null",
	};
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (json_typeof(v) == type ||
	    (type == JSON_TRUE && json_typeof(v) == JSON_FALSE))
		*out = v;
	else
		return cni_seterr(e, CNI_ERR_CONFIG, NULL,
				  "field '%s' must be %s", key, names[type]);
	return 0;
}

static int field_str(json_t *obj, const char *key, bool required,
		     const char **out, struct cni_error *e)
{
	json_t *v;

	if (field(obj, key, JSON_STRING, &v, e) < 0)
		return -1;
	if (!v && required)
		return cni_seterr(e, CNI_ERR_CONFIG, NULL,
				  "field '%s' is required", key);
	/* a NUL inside a JSON string would cut the C one short */
	if (v && strlen(json_string_value(v)) != json_string_length(v))
		return cni_seterr(e, CNI_ERR_CONFIG, NULL,
				  "field '%s' holds a NUL", key);
	*out = v ? json_string_value(v) : NULL;
	return 0;
}

static int field_bool(json_t *obj, const char *key, bool *out,
		      struct cni_error *e)
{
	json_t *v;

	if (field(obj, key, JSON_TRUE, &v, e) < 0)
		return -1;
	*out = v && json_is_true(v);
	return 0;
}

static int field_int(json_t *obj, const char *key, long long min, long long max,
		     long long *out, struct cni_error *e)
{
	json_t *v;

	if (field(obj, key, JSON_INTEGER, &v, e) < 0)
		return -1;
	if (!v)
		return 0;
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return cni_seterr(e, CNI_ERR_CONFIG, NULL,
				  "field '%s' out of range %lld..%lld", key,
				  min, max);
	*out = json_integer_value(v);
	return 1;
}

/* The spec's network name: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static int check_name(const char *name, struct cni_error *e)
{
	if (!id_ok(name))
		return cni_seterr(e, CNI_ERR_CONFIG, name,
				  "bad network name: expected "
				  "[A-Za-z0-9][A-Za-z0-9_.-]*");
	return 0;
}

/* runtimeConfig.portMappings: [{hostPort, containerPort, protocol, hostIP}] */
static int parse_ports(json_t *arr, struct cni_conf *c, struct cni_error *e)
{
	size_t i;
	json_t *m;

	json_array_foreach(arr, i, m)
	{
		struct nft_port *p = &c->ports[c->n_ports];
		long long hp = 0, cp = 0;
		const char *proto = NULL, *ip = NULL;

		if (c->n_ports == CNI_MAX_PORTS)
			return cni_seterr(e, CNI_ERR_CONFIG, NULL,
					  "more than %d port mappings",
					  CNI_MAX_PORTS);
		if (!json_is_object(m))
			return cni_seterr(e, CNI_ERR_CONFIG, NULL,
					  "portMappings[%zu] is not an object",
					  i);
		memset(p, 0, sizeof(*p));
		if (field_int(m, "hostPort", 1, 65535, &hp, e) <= 0 ||
		    field_int(m, "containerPort", 1, 65535, &cp, e) <= 0) {
			if (e->code == 0 || !hp || !cp)
				cni_seterr(e, CNI_ERR_CONFIG, NULL,
					   "portMappings[%zu] needs hostPort "
					   "and containerPort, 1..65535",
					   i);
			return -1;
		}
		if (field_str(m, "protocol", false, &proto, e) < 0 ||
		    field_str(m, "hostIP", false, &ip, e) < 0)
			return -1;
		p->host_port = p->host_end = (uint16_t)hp;
		p->ctr_port = p->ctr_end = (uint16_t)cp;
		p->proto = IPPROTO_TCP;
		if (proto && *proto && nft_proto_parse(proto, &p->proto) < 0)
			return cni_seterr(e, CNI_ERR_CONFIG, proto,
					  "portMappings[%zu]: protocol is not "
					  "tcp, udp or sctp",
					  i);
		if (ip && *ip && addr_parse(ip, &p->host_ip) < 0)
			return cni_seterr(e, CNI_ERR_CONFIG, ip,
					  "portMappings[%zu]: bad hostIP", i);
		c->n_ports++;
	}
	return 0;
}

int cni_conf_parse(const char *buf, size_t len, struct cni_conf *c,
		   struct cni_error *e)
{
	json_t *v, *caps, *rc, *pm;
	json_error_t je;
	long long mtu = 0;
	const char *why;

	memset(c, 0, sizeof(*c));
	e->code = 0;
	c->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!c->root)
		return cni_seterr(e, CNI_ERR_DECODE, je.text,
				  "decode network configuration: line %d",
				  je.line);
	if (!json_is_object(c->root))
		return cni_seterr(e, CNI_ERR_DECODE, NULL,
				  "network configuration is not an object");
	if (field_str(c->root, "cniVersion", true, &c->version, e) < 0)
		return -1;
	if (!cni_version_ok(c->version))
		return cni_seterr(e, CNI_ERR_VERSION, c->version,
				  "unsupported cniVersion (0.4.0, 1.0.0 and "
				  "1.1.0 are)");
	if (field_str(c->root, "name", true, &c->name, e) < 0 ||
	    check_name(c->name, e) < 0 ||
	    field_str(c->root, "type", true, &c->type, e) < 0 ||
	    field_str(c->root, "bridge", false, &c->bridge, e) < 0 ||
	    field_bool(c->root, "isGateway", &c->is_gateway, e) < 0 ||
	    field_bool(c->root, "isDefaultGateway", &c->is_default_gw, e) < 0 ||
	    field_bool(c->root, "ipMasq", &c->ip_masq, e) < 0 ||
	    field_bool(c->root, "hairpinMode", &c->hairpin, e) < 0 ||
	    field_int(c->root, "mtu", 68, 65535, &mtu, e) < 0)
		return -1;
	c->mtu = (unsigned int)mtu;
	if (!c->bridge)
		c->bridge = "cni0";
	why = ifname_problem(c->bridge);
	if (why)
		return cni_seterr(e, CNI_ERR_CONFIG, c->bridge,
				  "bad bridge name: %s", why);
	/* the default gateway is on the bridge: it must be one */
	if (c->is_default_gw)
		c->is_gateway = true;

	if (field(c->root, "ipam", JSON_OBJECT, &c->ipam, e) < 0)
		return -1;
	if (c->ipam && (field_str(c->ipam, "type", true, &c->ipam_type, e) < 0))
		return -1;
	if (c->ipam_type && (!*c->ipam_type || strchr(c->ipam_type, '/') ||
			     !strcmp(c->ipam_type, "..")))
		return cni_seterr(e, CNI_ERR_CONFIG, c->ipam_type,
				  "bad ipam type: a plugin name, no '/'");

	if (field(c->root, "prevResult", JSON_OBJECT, &v, e) < 0)
		return -1;
	if (v) {
		if (cni_result_parse(v, &c->prev, e) < 0)
			return -1;
		c->has_prev = true;
	}

	/* Ports only when the configuration asks for the capability:
	 * a runtime passes runtimeConfig to every plugin of a list. */
	if (field(c->root, "capabilities", JSON_OBJECT, &caps, e) < 0 ||
	    field(c->root, "runtimeConfig", JSON_OBJECT, &rc, e) < 0)
		return -1;
	c->ports_cap =
	    caps && json_is_true(json_object_get(caps, "portMappings"));
	if (c->ports_cap && rc) {
		if (field(rc, "portMappings", JSON_ARRAY, &pm, e) < 0)
			return -1;
		if (pm && parse_ports(pm, c, e) < 0)
			return -1;
	}
	if (field(c->root, "cni.dev/valid-attachments", JSON_ARRAY, &c->valid,
		  e) < 0)
		return -1;
	return 0;
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->root);
	c->root = NULL;
}

/* --- results ---------------------------------------------------------------
 */

int cni_result_parse(json_t *obj, struct cni_result *r, struct cni_error *e)
{
	json_t *ips, *routes, *x;
	const char *s = NULL;
	long long idx;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (field(obj, "ips", JSON_ARRAY, &ips, e) < 0 ||
	    field(obj, "routes", JSON_ARRAY, &routes, e) < 0 ||
	    field(obj, "interfaces", JSON_ARRAY, &r->interfaces, e) < 0 ||
	    field(obj, "dns", JSON_OBJECT, &r->dns, e) < 0)
		return -1;
	json_array_foreach(ips, i, x)
	{
		struct cni_ip *ip = &r->ips[r->n_ips];

		if (r->n_ips == CNI_MAX_IPS)
			return cni_seterr(e, CNI_ERR_DECODE, NULL,
					  "result has more than %d ips",
					  CNI_MAX_IPS);
		if (!json_is_object(x))
			return cni_seterr(e, CNI_ERR_DECODE, NULL,
					  "result ips[%zu] is not an object",
					  i);
		memset(ip, 0, sizeof(*ip));
		if (field_str(x, "address", true, &s, e) < 0)
			return -1;
		if (!s || cidr_parse(s, &ip->addr) < 0)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result ips[%zu]: bad address", i);
		if (field_str(x, "gateway", false, &s, e) < 0)
			return -1;
		if (s && addr_parse(s, &ip->gw) < 0)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result ips[%zu]: bad gateway", i);
		if (s && ip->gw.family != ip->addr.family)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result ips[%zu]: gateway of another "
					  "family",
					  i);
		idx = -1;
		if (field_int(x, "interface", 0, CNI_MAX_IPS * 4, &idx, e) < 0)
			return -1;
		ip->iface = (int)idx;
		r->n_ips++;
	}
	json_array_foreach(routes, i, x)
	{
		struct cni_route *rt = &r->routes[r->n_routes];

		if (r->n_routes == CNI_MAX_ROUTES)
			return cni_seterr(e, CNI_ERR_DECODE, NULL,
					  "result has more than %d routes",
					  CNI_MAX_ROUTES);
		if (!json_is_object(x))
			return cni_seterr(e, CNI_ERR_DECODE, NULL,
					  "result routes[%zu] is not an object",
					  i);
		memset(rt, 0, sizeof(*rt));
		if (field_str(x, "dst", true, &s, e) < 0)
			return -1;
		if (!s || cidr_parse(s, &rt->dst) < 0)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result routes[%zu]: bad dst", i);
		if (field_str(x, "gw", false, &s, e) < 0)
			return -1;
		if (s && addr_parse(s, &rt->gw) < 0)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result routes[%zu]: bad gw", i);
		if (s && rt->gw.family != rt->dst.family)
			return cni_seterr(e, CNI_ERR_DECODE, s,
					  "result routes[%zu]: gw of another "
					  "family",
					  i);
		r->n_routes++;
	}
	return 0;
}

/* --- plugins ----------------------------------------------------------------
 */

int cni_plugin_find(const struct cni_env *env, const char *type, char *path,
		    size_t size, struct cni_error *e)
{
	const char *dir = env->path, *colon;
	size_t n;

	while (dir && *dir) {
		colon = strchr(dir, ':');
		n = colon ? (size_t)(colon - dir) : strlen(dir);
		if (n &&
		    snprintf(path, size, "%.*s/%s", (int)n, dir, type) <
			(int)size &&
		    access(path, X_OK) == 0)
			return 0;
		dir = colon ? colon + 1 : NULL;
	}
	return cni_seterr(e, CNI_ERR_UNAVAIL, env->path,
			  "plugin %s not found in CNI_PATH", type);
}

/* environ with CNI_COMMAND set to command */
static char **env_with(const char *command, char *buf, size_t size)
{
	size_t n = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	snprintf(buf, size, "CNI_COMMAND=%s", command);
	n = 0;
	env[n++] = buf;
	for (char **p = environ; *p; p++)
		if (strncmp(*p, "CNI_COMMAND=", 12))
			env[n++] = *p;
	return env;
}

/* The plugin's stdout, all of it, and its exit status. */
static int run_plugin(const char *path, const char *command, const char *in,
		      size_t inlen, char **outbuf, size_t *outlen, int *status)
{
	posix_spawn_file_actions_t fa;
	char envbuf[64], **env;
	int memfd, pipefd[2], err;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	pid_t pid;
	char *argv[] = {(char *)path, NULL};

	/* stdin from a memfd, not a pipe: the whole configuration is there
	 * before the plugin starts, so neither side waits on the other */
	memfd = memfd_create("cni-config", MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	if (write(memfd, in, inlen) != (ssize_t)inlen ||
	    lseek(memfd, 0, SEEK_SET) < 0) {
		err = errno ? errno : EIO;
		close(memfd);
		return -err;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err = errno;
		close(memfd);
		return -err;
	}
	env = env_with(command, envbuf, sizeof(envbuf));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, memfd, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	err = env ? posix_spawn(&pid, path, &fa, NULL, argv, env) : ENOMEM;
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	close(memfd);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return -err;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb =
			    cap < (1 << 20) ? realloc(buf, cap + 65536) : NULL;

			if (!nb)
				break; /* a result past 1 MiB: cut, then
					* refused as undecodable */
			buf = nb;
			cap += 65536;
		}
		r = read(pipefd[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(pipefd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			free(buf);
			return -errno;
		}
	if (buf)
		buf[len] = '\0';
	*outbuf = buf;
	*outlen = len;
	return 0;
}

static int ipam_exec(const struct cni_env *env, const struct cni_conf *c,
		     const char *conf, size_t len, const char *command,
		     json_t **out, struct cni_error *e);

/*
 * An IPAM plugin that refuses 1.1.0 (Debian 12's host-local speaks up to
 * 1.0.0) is asked again in 1.0.0: ADD, DEL and CHECK and their results
 * are the same in both, GC and STATUS are not passed to it.
 */
int cni_ipam_exec(const struct cni_env *env, const struct cni_conf *c,
		  const char *conf, size_t len, const char *command,
		  json_t **out, struct cni_error *e)
{
	json_t *old;
	char *buf;
	int r;

	r = ipam_exec(env, c, conf, len, command, out, e);
	if (r == 0 || e->code != CNI_ERR_VERSION || strcmp(c->version, "1.1.0"))
		return r;
	old = json_copy(c->root);
	if (!old)
		return r;
	json_object_set_new(old, "cniVersion", json_string("1.0.0"));
	buf = json_dumps(old, JSON_COMPACT);
	json_decref(old);
	if (!buf)
		return r;
	r = ipam_exec(env, c, buf, strlen(buf), command, out, e);
	free(buf);
	if (r == 0 && out && *out)
		json_object_set_new(*out, "cniVersion", json_string("1.1.0"));
	return r;
}

static int ipam_exec(const struct cni_env *env, const struct cni_conf *c,
		     const char *conf, size_t len, const char *command,
		     json_t **out, struct cni_error *e)
{
	char path[PATH_MAX], *buf = NULL;
	const char *s = NULL;
	json_error_t je;
	size_t n = 0;
	json_t *j;
	int r, status;

	if (out)
		*out = NULL;
	if (cni_plugin_find(env, c->ipam_type, path, sizeof(path), e) < 0)
		return -1;
	r = run_plugin(path, command, conf, len, &buf, &n, &status);
	if (r < 0)
		return cni_seterr(e, CNI_ERR_IO, strerror(-r),
				  "run IPAM plugin %s", c->ipam_type);
	j = buf && n ? json_loadb(buf, n, 0, &je) : NULL;
	free(buf);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* its own error, passed on as it gave it */
		json_t *code = j ? json_object_get(j, "code") : NULL;

		if (json_is_integer(code)) {
			e->code = (int)json_integer_value(code);
			s = json_string_value(json_object_get(j, "msg"));
			snprintf(e->msg, sizeof(e->msg), "IPAM plugin %s: %s",
				 c->ipam_type, s ? s : "failed");
			s = json_string_value(json_object_get(j, "details"));
			snprintf(e->details, sizeof(e->details), "%s",
				 s ? s : "");
		} else {
			cni_seterr(e, CNI_ERR_IO, NULL,
				   "IPAM plugin %s failed with status %d",
				   c->ipam_type,
				   WIFEXITED(status) ? WEXITSTATUS(status)
						     : 128 + WTERMSIG(status));
		}
		json_decref(j);
		return -1;
	}
	if (out && !json_is_object(j)) {
		json_decref(j);
		return cni_seterr(e, CNI_ERR_DECODE, NULL,
				  "IPAM plugin %s gave no result object",
				  c->ipam_type);
	}
	if (out)
		*out = j;
	else
		json_decref(j);
	return 0;
}

int cni_plugin_speaks(const struct cni_env *env, const char *type,
		      const char *version, struct cni_error *e)
{
	char path[PATH_MAX], in[64], *buf = NULL;
	json_t *j, *v;
	json_error_t je;
	size_t n = 0, i;
	int r, status;

	if (cni_plugin_find(env, type, path, sizeof(path), e) < 0)
		return -1;
	snprintf(in, sizeof(in), "{\"cniVersion\":\"%s\"}", version);
	r = run_plugin(path, "VERSION", in, strlen(in), &buf, &n, &status);
	if (r < 0)
		return cni_seterr(e, CNI_ERR_IO, strerror(-r), "run plugin %s",
				  type);
	j = buf && n ? json_loadb(buf, n, 0, &je) : NULL;
	free(buf);
	cni_seterr(e, CNI_ERR_VERSION, NULL, "plugin %s does not speak %s",
		   type, version);
	json_array_foreach(json_object_get(j, "supportedVersions"), i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), version))
			e->code = 0;
	}
	json_decref(j);
	return 0;
}

/* Text from anywhere (a hostile name, the kernel) as a JSON string:
 * bytes that are not printable ASCII become '?', so it is valid UTF-8. */
static json_t *clean_string(const char *s)
{
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(buf) - 1 && s[i]; i++)
		buf[i] =
		    (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f
			? s[i]
			: '?';
	buf[i] = '\0';
	return json_string(buf);
}

void cni_error_print(const char *version, const struct cni_error *e)
{
	json_t *j = json_object();

	if (!j)
		return;
	json_object_set_new(j, "cniVersion",
			    json_string(version ? version : "1.1.0"));
	json_object_set_new(j, "code", json_integer(e->code));
	json_object_set_new(j, "msg", clean_string(e->msg));
	if (e->details[0])
		json_object_set_new(j, "details", clean_string(e->details));
	json_dumpf(j, stdout, JSON_INDENT(1));
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(j);
}
