// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress prepare: put a DAX filesystem on a device the user names, mount
 * it with the DAX option, optionally run a command in it, and unmount it.
 *
 * This is the only place daxstress formats anything, so it refuses unless
 * it is sure nothing is lost: the device must be a block device that no
 * mount, no holder (dm, md) and no exclusive opener (swap, another mkfs)
 * uses, and that carries no filesystem or partition-table signature
 * (libblkid) unless --force says to overwrite it. What it mounted it
 * unmounts, and if it cannot, it says so and what to do.
 */
#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/probe/dax_probe.h"
#include "../lib/probe/ndns.h"
#include "../lib/core/util.h"
#include "commands.h"

#define MSG(...) fprintf(stderr, "daxstress prepare: " __VA_ARGS__)

struct prep {
	const char *dev;
	const char *fs;
	const char *dir;
	bool force;
	bool allow_nodax;
	bool keep;
	char **cmd;		/* the command after "--", or NULL */
	dev_t rdev;
	char sysfs[PATH_MAX];	/* /sys/devices/.../block/NAME */
	bool dax_capable;
	bool mounted;
	struct ndns_info ns;	/* the NVDIMM namespace behind dev, if any */
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: daxstress prepare --device DEV --fs ext4|xfs --mount DIR [--force]\n"
		"                         [--keep-mounted] [--allow-nodax] [-- COMMAND [ARGS]]\n"
		"  Formats DEV (it must be unused and blank, or --force), mounts it on the empty\n"
		"  directory DIR with the DAX option, runs COMMAND there (DAXSTRESS_DIR=DIR), then\n"
		"  unmounts it. Without COMMAND it checks that DAX took and unmounts, unless\n"
		"  --keep-mounted leaves it mounted for later runs.\n"
		"  --device DEV     a block device (pmem, or a loop device for tests)\n"
		"  --fs ext4|xfs    the filesystem to make\n"
		"  --mount DIR      an existing, empty directory\n"
		"  --force          overwrite a filesystem or partition table found on DEV\n"
		"  --keep-mounted   leave DEV mounted on DIR (unmount it yourself: umount DIR)\n"
		"  --allow-nodax    mount without DAX when DEV cannot do DAX (tests only)\n"
		"example: daxstress prepare --device /dev/pmem0 --fs xfs --mount /mnt/pmem \\\n"
		"           -- daxstress run --dir /mnt/pmem --suite smoke\n");
}

static int parse_args(struct prep *p, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "fs", required_argument, NULL, 'f' },
		{ "mount", required_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'F' },
		{ "keep-mounted", no_argument, NULL, 'k' },
		{ "allow-nodax", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			p->dev = optarg;
			break;
		case 'f':
			p->fs = optarg;
			break;
		case 'm':
			p->dir = optarg;
			break;
		case 'F':
			p->force = true;
			break;
		case 'k':
			p->keep = true;
			break;
		case 'a':
			p->allow_nodax = true;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			MSG("unknown or incomplete option '%s'\n", argv[optind - 1]);
			print_usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		p->cmd = argv + optind;
	if (!p->dev || !p->fs || !p->dir) {
		MSG("--device, --fs and --mount are all required\n");
		return -1;
	}
	if (strcmp(p->fs, "ext4") && strcmp(p->fs, "xfs")) {
		MSG("--fs %s: only ext4 and xfs have DAX here\n", p->fs);
		return -1;
	}
	if (p->cmd && p->keep) {
		MSG("--keep-mounted and a command exclude each other: the command's mount is removed after it\n");
		return -1;
	}
	return 0;
}

/* ---- is the device free to format? ------------------------------------ */

/* The disk a partition belongs to (libblkid asks sysfs); devno itself otherwise. */
static dev_t whole_disk(dev_t devno)
{
	dev_t whole = 0;
	char name[64];

	if (blkid_devno_to_wholedisk(devno, name, sizeof(name), &whole) || !whole)
		return devno;
	return whole;
}

static int find_device(struct prep *p)
{
	char link[64], attr[PATH_MAX + 16];
	struct stat st;
	FILE *f;
	int v = 0;

	if (stat(p->dev, &st) || !S_ISBLK(st.st_mode)) {
		MSG("refusing %s: not a block device (for a file, make a loop device: losetup -f --show FILE)\n",
		    p->dev);
		return -1;
	}
	p->rdev = st.st_rdev;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(p->rdev), minor(p->rdev));
	if (!realpath(link, p->sysfs)) {
		MSG("refusing %s: %s is missing (%s)\n", p->dev, link, strerror(errno));
		return -1;
	}
	if (whole_disk(p->rdev) != p->rdev) {
		MSG("refusing %s: it is a partition; name the whole device\n", p->dev);
		return -1;
	}
	ndns_lookup_devno(p->rdev, &p->ns);
	snprintf(attr, sizeof(attr), "%s/queue/dax", p->sysfs);
	f = fopen(attr, "re");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	p->dax_capable = v == 1;
	if (!p->dax_capable && !p->allow_nodax) {
		if (p->ns.why[0] && p->ns.ns[0])	/* a namespace in the wrong mode: say how to fix it */
			MSG("refusing %s: it cannot do DAX (%s is 0): %s\n", p->dev, attr, p->ns.why);
		else
			MSG("refusing %s: it cannot do DAX (%s is 0): use a pmem device (fsdax namespace), or --allow-nodax for tests\n",
			    p->dev, attr);
		return -1;
	}
	return 0;
}

/* libmount reads the table; a mount of the device or of a partition of it counts. */
static int check_not_mounted(const struct prep *p)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int ret = tb && it ? mnt_table_parse_file(tb, "/proc/self/mountinfo") : -ENOMEM;

	if (ret) {
		MSG("cannot read /proc/self/mountinfo: %s\n", strerror(-ret));
		ret = -1;
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		dev_t dev = mnt_fs_get_devno(fs);

		if (major(dev) && whole_disk(dev) == p->rdev) {
			MSG("refusing %s: it is mounted on %s; unmount it first\n", p->dev,
			    mnt_fs_get_target(fs));
			ret = -1;
			break;
		}
	}
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return ret;
}

static int check_no_holders(const struct prep *p)
{
	char path[PATH_MAX + 16];
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/holders", p->sysfs);
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		MSG("refusing %s: %s holds it (device mapper, md or similar); release it first\n",
		    p->dev, e->d_name);
		ret = -1;
	}
	closedir(d);
	return ret;
}

/* The kernel's own answer: O_EXCL on a block device fails while anyone claims it. */
static int check_exclusive(const struct prep *p)
{
	int fd = open(p->dev, O_RDONLY | O_EXCL | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EBUSY)
		MSG("refusing %s: it is in use (mounted, swap, or opened exclusively by another program)\n",
		    p->dev);
	else
		MSG("cannot open %s: %s\n", p->dev, strerror(errno));
	return -1;
}

/* 0 when blank; 1 when a signature was found (named in what); -1 on error. */
static int probe_signature(const struct prep *p, char *what, size_t len)
{
	const char *type = NULL, *pttype = NULL;
	blkid_probe pr = blkid_new_probe_from_filename(p->dev);
	int ret;

	if (!pr) {
		MSG("cannot probe %s with libblkid: %s\n", p->dev, strerror(errno));
		return -1;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	ret = blkid_do_safeprobe(pr);
	if (ret == 0) {
		blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
		blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
		snprintf(what, len, "%s%s%s", type ? type : "",
			 type && pttype ? " and a " : "", pttype ? pttype : "");
		if (pttype)
			snprintf(what + strlen(what), len - strlen(what), " partition table");
		if (type && !pttype)
			snprintf(what + strlen(what), len - strlen(what), " filesystem");
		ret = 1;
	} else if (ret == -2) {
		snprintf(what, len, "several conflicting signatures");
		ret = 1;
	} else if (ret == 1) {
		ret = 0;
	} else {
		MSG("libblkid cannot read %s\n", p->dev);
	}
	blkid_free_probe(pr);
	return ret;
}

static int check_blank(const struct prep *p)
{
	char what[128] = "";
	int ret = probe_signature(p, what, sizeof(what));

	if (ret <= 0)
		return ret;
	if (!p->force) {
		MSG("refusing %s: it holds a %s (libblkid); formatting would destroy it. Give --force if that is what you want\n",
		    p->dev, what);
		return -1;
	}
	printf("# prepare: %s holds a %s: overwriting it (--force)\n", p->dev, what);
	return 0;
}

static int check_dir(const struct prep *p)
{
	struct dirent *e;
	DIR *d = opendir(p->dir);
	int ret = 0;

	if (!d) {
		MSG("--mount %s: %s (give an existing empty directory)\n", p->dir, strerror(errno));
		return -1;
	}
	while (!ret && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			MSG("refusing --mount %s: it is not empty (mounting would hide %s)\n",
			    p->dir, e->d_name);
			ret = -1;
		}
	}
	closedir(d);
	return ret;
}

/* ---- format, mount, run, unmount --------------------------------------- */

/* Run argv and wait; Ctrl-C reaches the child (same process group), not us. */
static int run_wait(char *const *argv, const char *dir)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oterm;
	int status = 0;
	pid_t pid;

	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGTERM, &ign, &oterm);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGTERM, &oterm, NULL);
		if (dir)
			setenv("DAXSTRESS_DIR", dir, 1);
		execvp(argv[0], argv);
		MSG("cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	if (pid < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int make_fs(const struct prep *p)
{
	/* DAX needs the page size as block size; xfs DAX refuses reflink before 6.x */
	char *const ext4[] = { "mkfs.ext4", "-F", "-q", "-b", "4096", (char *)p->dev, NULL };
	char *const xfs[] = { "mkfs.xfs", "-f", "-q", "-m", "reflink=0", (char *)p->dev, NULL };
	int rc;

	printf("# prepare: making %s on %s\n", p->fs, p->dev);
	fflush(stdout);
	rc = run_wait(strcmp(p->fs, "xfs") ? ext4 : xfs, NULL);
	if (rc) {
		MSG("mkfs.%s %s failed (exit %d); nothing was mounted\n", p->fs, p->dev, rc);
		return -1;
	}
	return 0;
}

static int mount_dax(struct prep *p)
{
	const char *opt = strcmp(p->fs, "xfs") ? "dax" : "dax=always";
	struct dax_info info;

	if (!p->dax_capable)
		opt = "";	/* --allow-nodax: checks() refused it otherwise */
	if (mount(p->dev, p->dir, p->fs, 0, opt)) {
		MSG("mount -t %s -o %s %s %s failed: %s (dmesg says why)\n", p->fs,
		    opt[0] ? opt : "defaults", p->dev, p->dir, strerror(errno));
		return -1;
	}
	p->mounted = true;
	if (dax_probe_mount(p->dir, &info) == 0)
		printf("# prepare: mounted %s on %s: %s %s\n", p->dev, p->dir, info.fstype,
		       dax_mode_name(info.mode));
	if (!opt[0])
		printf("# prepare: %s cannot do DAX: mounted without it (--allow-nodax)\n", p->dev);
	fflush(stdout);
	return 0;
}

/*
 * A busy mount is usually a program still inside it; a task stuck in the
 * kernel (D state) keeps it busy until reboot. Retry a little, then say so.
 */
static int unmount_dev(struct prep *p)
{
	int i;

	if (!p->mounted)
		return 0;
	sync();
	for (i = 0; i < 12; i++) {	/* 3 s */
		if (!umount2(p->dir, 0)) {
			p->mounted = false;
			printf("# prepare: unmounted %s\n", p->dir);
			return 0;
		}
		if (errno != EBUSY)
			break;
		usleep(250 * 1000);
	}
	MSG("cannot unmount %s: %s. Find its users with 'fuser -vm %s'; if a task is stuck in the kernel (state D) the machine needs a reboot to free it\n",
	    p->dir, strerror(errno), p->dir);
	return -1;
}

static int checks(struct prep *p)
{
	char ns[256];

	if (find_device(p) || check_not_mounted(p) || check_no_holders(p) ||
	    check_exclusive(p) || check_dir(p))
		return -1;
	ndns_describe(&p->ns, ns, sizeof(ns));
	printf("# prepare: %s%s %s\n", p->dev, p->ns.ns[0] ? " is" : ":", ns);
	return check_blank(p);
}

int cmd_prepare(int argc, char **argv)
{
	struct prep p = { 0 };
	int ret, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = parse_args(&p, argc, argv);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	if (geteuid()) {
		MSG("formatting and mounting need root\n");
		return EXIT_USAGE;
	}
	if (checks(&p))
		return EXIT_USAGE;
	if (make_fs(&p) || mount_dax(&p))
		return 1;
	if (p.cmd)
		rc = run_wait(p.cmd, p.dir);
	if (p.keep) {
		printf("# prepare: left mounted on %s (--keep-mounted): umount %s when done\n",
		       p.dir, p.dir);
		return 0;
	}
	if (unmount_dev(&p))
		return 1;
	return rc;
}
