/*
 * fuzz_cgdevice - libFuzzer harness for --device rules (common/cgdevice.c):
 * the rule parser, and the BPF device program compiled from the rules,
 * run here by a small interpreter of the instructions the compiler emits.
 * The input is rules, one a line.
 *
 * Properties, each an abort() when broken:
 *   - a refused rule is marked as bad usage, with a one-line message;
 *   - an accepted rule, formatted as a v1 line with its verb, parses
 *     back to the same rule;
 *   - the compiled program uses only the instructions and context
 *     fields the compiler knows, every jump lands inside it, it ends in
 *     an exit, and for every request tried (block and char devices, the
 *     majors and minors the rules name and others, every access set) it
 *     decides what cg_device_allows() decides.
 */
#include "cgroup.h"

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSNS (6 + 7 * CG_MAX_DEV + 2)

static int run(const struct bpf_insn *p, int n, uint32_t access_type,
	       uint32_t major, uint32_t minor)
{
	uint64_t r[11] = {0};
	int pc = 0, steps = 0;

	while (pc >= 0 && pc < n && steps++ < 4 * MAX_INSNS) {
		const struct bpf_insn *i = &p[pc++];
		uint32_t d32 = (uint32_t)r[i->dst_reg];

		if (i->dst_reg > 10 || i->src_reg > 10)
			abort();
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1)
				abort();
			if (i->off ==
			    offsetof(struct bpf_cgroup_dev_ctx, access_type))
				r[i->dst_reg] = access_type;
			else if (i->off ==
				 offsetof(struct bpf_cgroup_dev_ctx, major))
				r[i->dst_reg] = major;
			else if (i->off ==
				 offsetof(struct bpf_cgroup_dev_ctx, minor))
				r[i->dst_reg] = minor;
			else
				abort();
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (uint32_t)r[i->src_reg];
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = d32 & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = d32 >> (i->imm & 31);
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if (d32 != (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP32 | BPF_JSET | BPF_K:
			if (d32 & (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			if (r[0] > 1)
				abort();
			return (int)r[0];
		default:
			abort();
		}
	}
	abort(); /* fell off the end, jumped out, or looped */
}

static struct cg_devrule rules[CG_MAX_DEV];
static struct bpf_insn prog[MAX_INSNS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[4096], *save = NULL, line[96];
	/* the requests tried: a few fixed devices and those the first
	 * rules name (every pair of them, so keep it small) */
	enum { NVAL = 24 };
	uint32_t majors[NVAL + 2], minors[NVAL + 2];
	int n = 0, nm = 0, k;
	struct cg_err e;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) != size)
		return 0;
	majors[nm] = 0, minors[nm++] = 0;
	majors[nm] = 7, minors[nm++] = 4095;
	majors[nm] = UINT32_MAX, minors[nm++] = 1;
	for (char *l = strtok_r(text, "\n", &save); l && n < CG_MAX_DEV;
	     l = strtok_r(NULL, "\n", &save)) {
		struct cg_devrule back;

		memset(&e, 0, sizeof(e));
		if (cg_device_parse(l, &rules[n], &e) < 0) {
			if (!e.usage || !e.what[0] || strchr(e.what, '\n') ||
			    strchr(e.hint, '\n'))
				abort();
			continue;
		}
		if (!strchr("abc", rules[n].type) || !rules[n].access ||
		    rules[n].access > CG_DEV_ALL)
			abort();
		snprintf(line, sizeof(line), "%s ",
			 rules[n].allow ? "allow" : "deny");
		cg_device_format(&rules[n], line + strlen(line),
				 sizeof(line) - strlen(line));
		if (cg_device_parse(line, &back, &e) < 0 ||
		    back.allow != rules[n].allow ||
		    back.type != rules[n].type ||
		    back.major != rules[n].major ||
		    back.minor != rules[n].minor ||
		    back.access != rules[n].access)
			abort();
		if (rules[n].major >= 0 && nm < NVAL) {
			majors[nm] = (uint32_t)rules[n].major;
			minors[nm++] =
			    rules[n].minor >= 0 ? (uint32_t)rules[n].minor : 3;
		}
		if (rules[n].minor >= 0 && nm < NVAL) {
			majors[nm] = 1;
			minors[nm++] = (uint32_t)rules[n].minor;
		}
		n++;
	}
	k = cg_device_compile(rules, n, prog, MAX_INSNS);
	if (k < 2 || k > MAX_INSNS || prog[k - 1].code != (BPF_JMP | BPF_EXIT))
		abort();
	for (int t = 0; t < 2; t++)
		for (int a = 0; a < nm; a++)
			for (int b = 0; b < nm; b++)
				for (unsigned acc = 1; acc <= CG_DEV_ALL;
				     acc++) {
					uint32_t bits =
					    (acc & CG_DEV_R ? BPF_DEVCG_ACC_READ
							    : 0) |
					    (acc & CG_DEV_W
						 ? BPF_DEVCG_ACC_WRITE
						 : 0) |
					    (acc & CG_DEV_M
						 ? BPF_DEVCG_ACC_MKNOD
						 : 0);
					uint32_t type = t ? BPF_DEVCG_DEV_CHAR
							  : BPF_DEVCG_DEV_BLOCK;
					bool want = cg_device_allows(
					    rules, n, t ? 'c' : 'b', majors[a],
					    minors[b], acc);

					if (run(prog, k, bits << 16 | type,
						majors[a], minors[b]) != want)
						abort();
				}
	return 0;
}
