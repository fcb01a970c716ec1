// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "../core/inifile.h"
#include "known.h"
#include "../core/util.h"

static int valid_version(const char *v)
{
	if (!isdigit((unsigned char)*v))
		return 0;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v) && *v != '.')
			return 0;
	return 1;
}

int known_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10);
		unsigned long y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if (!isdigit((unsigned char)*a) && !isdigit((unsigned char)*b))
			break;
	}
	return 0;
}

void known_kernel_version(char *buf, size_t len)
{
	struct utsname u;
	const char *p;
	size_t n;

	buf[0] = '\0';
	if (uname(&u))
		return;
	p = strstr(u.version, "Debian ");
	p = p ? p + 7 : u.release;
	n = strspn(p, "0123456789.");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

static int list_has(const char *list, const char *item)
{
	char buf[128], *tok, *save = NULL;

	if (!strcmp(list, "*"))
		return 1;
	strscpy_trunc(buf, list, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!strcmp(tok, item))
			return 1;
	}
	return 0;
}

struct kparse {
	struct known_list *l;
	struct known_issue *cur;
};

static int set_range(struct known_issue *k, const char *v, char *err, size_t len)
{
	char a[32], b[32];

	if (sscanf(v, "%31[0-9.] - %31[0-9.]", a, b) != 2 || !valid_version(a) ||
	    !valid_version(b)) {
		snprintf(err, len, "kernel = '%s': expected a range such as 6.1.75 - 6.1.999", v);
		return -1;
	}
	strscpy_trunc(k->kmin, a, sizeof(k->kmin));
	strscpy_trunc(k->kmax, b, sizeof(k->kmax));
	return 0;
}

static int set_verdicts(struct known_issue *k, const char *v, char *err, size_t len)
{
	char buf[128], *tok, *save = NULL;
	enum verdict vd;

	strscpy_trunc(buf, v, sizeof(buf));
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (verdict_parse(tok, &vd) || !verdict_is_failure(vd)) {
			snprintf(err, len, "verdict '%s' is not a failing verdict", tok);
			return -1;
		}
		k->verdicts |= 1u << vd;
	}
	return 0;
}

/* yes, no or any into 1, 0 or -1 (refault, sharer). */
static int set_tristate(int *dst, const char *key, const char *v, char *err, size_t len)
{
	if (!strcmp(v, "yes") || !strcmp(v, "no")) {
		*dst = !strcmp(v, "yes");
		return 0;
	}
	if (!strcmp(v, "any")) {
		*dst = -1;
		return 0;
	}
	snprintf(err, len, "%s '%s': use yes, no or any", key, v);
	return -1;
}

static int copy_field(char *dst, size_t size, const char *key, const char *v,
		      char *err, size_t len)
{
	if (strlen(v) >= size) {
		snprintf(err, len, "value of '%s' is too long", key);
		return -1;
	}
	strscpy_trunc(dst, v, size);
	return 0;
}

static int on_key(void *user, const char *section, const char *key, const char *v,
		  char *err, size_t len)
{
	struct kparse *p = user;
	struct known_issue *k;

	if (!key) {
		if (p->l->n == KNOWN_MAX) {
			snprintf(err, len, "too many known issues (at most %d)", KNOWN_MAX);
			return -1;
		}
		p->cur = &p->l->issue[p->l->n++];
		k = p->cur;
		memset(k, 0, sizeof(*k));
		strscpy_trunc(k->name, section, sizeof(k->name));
		strscpy_trunc(k->workload, "*", sizeof(k->workload));
		strscpy_trunc(k->pin, "*", sizeof(k->pin));
		strscpy_trunc(k->brk, "*", sizeof(k->brk));
		strscpy_trunc(k->fs, "*", sizeof(k->fs));
		k->refault = -1;
		k->sharer = -1;
		return 0;
	}
	k = p->cur;
	if (!strcmp(key, "kernel"))
		return set_range(k, v, err, len);
	if (!strcmp(key, "verdict"))
		return set_verdicts(k, v, err, len);
	if (!strcmp(key, "workload"))
		return copy_field(k->workload, sizeof(k->workload), key, v, err, len);
	if (!strcmp(key, "pin"))
		return copy_field(k->pin, sizeof(k->pin), key, v, err, len);
	if (!strcmp(key, "break"))
		return copy_field(k->brk, sizeof(k->brk), key, v, err, len);
	if (!strcmp(key, "fs"))
		return copy_field(k->fs, sizeof(k->fs), key, v, err, len);
	if (!strcmp(key, "refault"))
		return set_tristate(&k->refault, key, v, err, len);
	if (!strcmp(key, "sharer"))
		return set_tristate(&k->sharer, key, v, err, len);
	if (!strcmp(key, "reason"))
		return copy_field(k->reason, sizeof(k->reason), key, v, err, len);
	if (!strcmp(key, "link"))
		return copy_field(k->link, sizeof(k->link), key, v, err, len);
	if (!strcmp(key, "warning"))
		return copy_field(k->warning, sizeof(k->warning), key, v, err, len);
	snprintf(err, len, "unknown key '%s' (known: kernel, workload, pin, break, fs, refault, sharer, warning, verdict, reason, link)", key);
	return -1;
}

static int finish(struct known_list *l, const char *name, char *err, size_t len)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		if (!l->issue[i].kmin[0] || !l->issue[i].verdicts || !l->issue[i].reason[0]) {
			snprintf(err, len, "%s: [%s] needs kernel, verdict and reason", name,
				 l->issue[i].name);
			return -EINVAL;
		}
		if (l->issue[i].warning[0] && l->issue[i].verdicts != 1u << V_KERNEL_WARNING) {
			snprintf(err, len, "%s: [%s] has a warning key, so its verdict is kernel-warning alone",
				 name, l->issue[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

int known_load_string(struct known_list *l, const char *name, const char *text,
		      char *err, size_t errlen)
{
	struct kparse p = { .l = l };

	memset(l, 0, sizeof(*l));
	if (inifile_parse(name, NULL, text, on_key, &p, err, errlen))
		return -EINVAL;
	return finish(l, name, err, errlen);
}

int known_load(struct known_list *l, const char *path, char *err, size_t errlen)
{
	struct kparse p = { .l = l };
	int ret;

	memset(l, 0, sizeof(*l));
	ret = inifile_parse_path(path, on_key, &p, err, errlen);
	return ret ? ret : finish(l, path, err, errlen);
}

static bool case_matches(const struct known_issue *k, const char *kver, const char *workload,
			 const char *pin, const char *brk, const char *fs, int refault, int sharer)
{
	if (known_version_cmp(kver, k->kmin) < 0 || known_version_cmp(kver, k->kmax) > 0)
		return false;
	if (k->refault >= 0 && refault >= 0 && k->refault != refault)
		return false;
	if (k->sharer >= 0 && sharer >= 0 && k->sharer != sharer)
		return false;
	return list_has(k->workload, workload) && list_has(k->pin, pin) &&
	       list_has(k->brk, brk) && list_has(k->fs, fs);
}

const struct known_issue *known_match(const struct known_list *l, const char *kver,
				      const char *workload, const char *pin,
				      const char *brk, const char *fs, int refault, int sharer,
				      const char *warning)
{
	const struct known_issue *first = NULL;	/* the first entry not scoped to a warning */
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		const struct known_issue *k = &l->issue[i];

		if (!case_matches(k, kver, workload, pin, brk, fs, refault, sharer))
			continue;
		if (!k->warning[0]) {
			if (!first)
				first = k;
		} else if (warning && strstr(warning, k->warning)) {
			return k;	/* the warning's own entry wins */
		}
	}
	return first;
}

bool known_expects(const struct known_issue *k, enum verdict v)
{
	return k->verdicts & (1u << v);
}
