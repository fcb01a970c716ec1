// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the repro bundles come back. The guest init sends the
 * bundles of one filesystem as a gzip tar stream, uuencoded (base64, as
 * `uuencode -m` writes it) between BUNDLES-BEGIN and BUNDLES-END on the
 * data channel; here the lines are kept as they came, unpacked by
 * libarchive into results/<timestamp>/bundles/, the
 * guest's paths in the bundle texts become the host's, and the kernel
 * config the guest had no copy of is added from the kernel package.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "vm_priv.h"

static void vm_stream_path(const struct vm_ctx *c, const char *fs, char *buf, size_t size)
{
	snprintf(buf, size, "%s/.bundles-%s.uu", c->rundir, fs);
}

void vm_bundles_begin(struct vm_ctx *c, const char *fs)
{
	char path[PATH_MAX];

	snprintf(c->a.bundles_fs, sizeof(c->a.bundles_fs), "%s", fs);
	vm_stream_path(c, c->a.bundles_fs, path, sizeof(path));
	c->a.bundles = fopen(path, "we");
	if (c->a.bundles)
		return;
	vm_msg("cannot write %s: %s: the %s bundles are lost", path, strerror(errno), fs);
	/* swallow the stream all the same, so that it does not end up as messages */
	c->a.bundles = fopen("/dev/null", "we");
	c->a.bundles_fs[0] = '\0';
}

void vm_bundles_line(struct vm_ctx *c, const char *line)
{
	fprintf(c->a.bundles, "%s\n", line);
}

/* Run a host tool (tar, gzip) and wait for it; 0 when it exited 0. */
static int vm_tool(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/* Replace every from with to in a text file. */
static void vm_replace_in(const char *path, const char *from, const char *to)
{
	size_t len = 0, fl = strlen(from);
	char *buf = vm_slurp(path, &len), *p, *q;
	FILE *f;

	if (!buf)
		return;
	buf[len] = '\0';
	f = fopen(path, "we");
	if (f) {
		for (p = buf; (q = strstr(p, from)); p = q + fl) {
			fwrite(p, 1, (size_t)(q - p), f);
			fputs(to, f);
		}
		fputs(p, f);
		fclose(f);
	}
	free(buf);
}

static int vm_copy_entry(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, len, off) != ARCHIVE_OK)
			return -EIO;
	return r == ARCHIVE_EOF ? 0 : -EIO;
}

/* A name the guest sent that would land outside dir. */
static bool vm_entry_escapes(const char *name)
{
	return name[0] == '/' || !strcmp(name, "..") || !strncmp(name, "../", 3) ||
	       strstr(name, "/../") || (strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/.."));
}

/*
 * Unpack the stream as the guest sent it (uuencode -m of a gzip tar) with
 * libarchive: its uu and gzip filters and its tar reader, every entry
 * written below dir, no symlink followed on the way.
 */
static int vm_unpack(const char *file, const char *dir)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *e;
	char path[2 * PATH_MAX];
	int r, ret = 0;

	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	if (archive_read_open_filename(in, file, 1 << 16) != ARCHIVE_OK) {
		ret = -EIO;
		goto out;
	}
	while (!ret && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (vm_entry_escapes(archive_entry_pathname(e))) {
			ret = -EPERM;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, archive_entry_pathname(e));
		archive_entry_set_pathname(e, path);
		if (archive_write_header(out, e) != ARCHIVE_OK)
			ret = -EIO;
		else
			ret = vm_copy_entry(in, out);
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = -EIO;
out:
	if (ret && in)
		vm_msg("%s: %s", file, archive_error_string(in) ? archive_error_string(in) :
		       archive_error_string(out) ? archive_error_string(out) : strerror(-ret));
	archive_write_free(out);
	archive_read_free(in);
	return ret;
}

static void vm_copy_config(const struct vm_ctx *c, const char *bdir)
{
	char from[PATH_MAX], to[PATH_MAX + 16], note[PATH_MAX + 160];
	char *const gz[] = { "gzip", "-n", "-f", to, NULL };
	size_t len = 0;
	char *data;
	FILE *f;

	snprintf(to, sizeof(to), "%s/config.gz", bdir);
	if (!access(to, F_OK))
		return;
	snprintf(from, sizeof(from), "%s/config", c->kdir);
	data = vm_slurp(from, &len);
	snprintf(to, sizeof(to), "%s/config", bdir);
	if (!data || !access(to, F_OK)) {
		free(data);
		return;
	}
	f = fopen(to, "we");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
		vm_tool(gz);
		snprintf(note, sizeof(note), "%s/README.txt", bdir);
		vm_replace_in(note, "  (no kernel config was available)\n", "");
		f = fopen(note, "ae");
		if (f) {
			fprintf(f, "  config%s    the kernel config, added on the host from %s\n",
				access(to, F_OK) ? ".gz" : "   ", from);
			fclose(f);
		}
	}
	free(data);
}

/* Guest paths become host paths; the kernel config is added. */
static void vm_fix_bundle(const struct vm_ctx *c, const char *guest_root, const char *name)
{
	static const char *const texts[] = { "README.txt", "commands.txt", "result.json" };
	char bdir[PATH_MAX], path[PATH_MAX + 32], host_root[PATH_MAX];
	size_t i;

	snprintf(host_root, sizeof(host_root), "%s/bundles", c->rundir);
	snprintf(bdir, sizeof(bdir), "%.*s/%s", PATH_MAX - 300, host_root, name);
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		snprintf(path, sizeof(path), "%s/%s", bdir, texts[i]);
		vm_replace_in(path, guest_root, host_root);
	}
	vm_copy_config(c, bdir);
	vm_msg("repro bundle: %s", bdir);
}

void vm_bundles_end(struct vm_ctx *c)
{
	char stream[PATH_MAX], dir[PATH_MAX], guest_root[64];
	struct dirent *de;
	DIR *d;
	int ret;

	if (!c->a.bundles)
		return;
	fclose(c->a.bundles);
	c->a.bundles = NULL;
	if (!c->a.bundles_fs[0])
		return;
	vm_stream_path(c, c->a.bundles_fs, stream, sizeof(stream));
	snprintf(dir, sizeof(dir), "%s/bundles", c->rundir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		ret = -errno;
	else
		ret = vm_unpack(stream, dir);
	if (ret) {
		vm_msg("cannot unpack the %s bundles from %s: %s", c->a.bundles_fs, stream, strerror(-ret));
		return;
	}
	unlink(stream);
	/* the guest init writes them to /tmp/bundles-<fs> (runner/vm/init) */
	snprintf(guest_root, sizeof(guest_root), "/tmp/bundles-%s", c->a.bundles_fs);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !strncmp(de->d_name, c->a.bundles_fs, strlen(c->a.bundles_fs)))
			vm_fix_bundle(c, guest_root, de->d_name);
	if (d)
		closedir(d);
}

void vm_bundle_host_path(const struct vm_ctx *c, const char *guest_path, char *buf, size_t size)
{
	const char *name = strrchr(guest_path, '/');
	struct stat st;

	buf[0] = '\0';
	if (!name)
		return;
	snprintf(buf, size, "%s/bundles/%s", c->rundir, name + 1);
	if (stat(buf, &st) || !S_ISDIR(st.st_mode))
		buf[0] = '\0';
}
