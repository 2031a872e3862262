// SPDX-License-Identifier: GPL-2.0
/*
 * vmlinux: symbols from the ELF symbol table (libelf), struct layouts from
 * DWARF (libdw). Symbol addresses are link-time; vml_set_offset() gives the
 * KASLR offset (VMCOREINFO KERNELOFFSET) that relocates them.
 *
 * A struct is looked for first in the compilation unit of a hint function
 * (found through .debug_aranges), so that triage does not walk all of a
 * vmlinux's DWARF; only if it is not there are all units searched.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "triage.h"

struct type_cache {
	char name[48];
	Dwarf_Die die;
};

struct vmlinux {
	int fd;
	Elf *elf;
	Dwarf *dw;
	int machine;
	char build_id[48];
	uint64_t offset;
	struct vsym *syms;	/* by address */
	size_t nsyms;
	struct vsym **byname;	/* by name */
	struct type_cache types[24];
	size_t ntypes;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct vsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at one address, sized functions last: lookups take the last */
	if (x->func != y->func)
		return x->func ? 1 : -1;
	return (x->size > y->size) - (x->size < y->size);
}

static int cmp_name(const void *a, const void *b)
{
	const struct vsym *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static bool section_is_code(Elf *elf, size_t idx)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_getscn(elf, idx);

	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static struct terr *load_symbols(struct vmlinux *vm)
{
	Elf_Scn *scn = NULL;
	size_t nsec = 0;

	elf_getshdrnum(vm->elf, &nsec);
	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			return terr_fmt(TERR_DUMP, "vmlinux: unreadable symbol table: %s",
					elf_errmsg(-1));
		n = sh.sh_size / sh.sh_entsize;
		vm->syms = calloc(n ? n : 1, sizeof(*vm->syms));
		if (!vm->syms)
			return terr_fmt(TERR_DUMP, "out of memory");
		for (i = 1; i < n; i++) {
			GElf_Sym s;
			const char *name;
			int type;

			if (!gelf_getsym(data, (int)i, &s))
				continue;
			type = GELF_ST_TYPE(s.st_info);
			if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
				continue;
			if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS || !s.st_value)
				continue;
			name = elf_strptr(vm->elf, sh.sh_link, s.st_name);
			/* mapping symbols ($x, $d) and local labels say nothing */
			if (!name || !*name || name[0] == '$' || !strncmp(name, ".L", 2))
				continue;
			/* assembly entry code is NOTYPE: code if its section is */
			vm->syms[vm->nsyms++] = (struct vsym){
				.name = name, .addr = s.st_value, .size = s.st_size,
				.func = type == STT_FUNC ||
					(type == STT_NOTYPE && s.st_shndx < nsec &&
					 section_is_code(vm->elf, s.st_shndx)),
			};
		}
		break;
	}
	if (!vm->nsyms)
		return terr_fmt(TERR_DUMP, "vmlinux has no symbol table");
	qsort(vm->syms, vm->nsyms, sizeof(*vm->syms), cmp_addr);
	vm->byname = malloc(vm->nsyms * sizeof(*vm->byname));
	if (!vm->byname)
		return terr_fmt(TERR_DUMP, "out of memory");
	for (size_t i = 0; i < vm->nsyms; i++)
		vm->byname[i] = &vm->syms[i];
	qsort(vm->byname, vm->nsyms, sizeof(*vm->byname), cmp_name);
	return NULL;
}

static void load_build_id(struct vmlinux *vm)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + noff, "GNU", 4)) {
				const unsigned char *b = (unsigned char *)data->d_buf + doff;
				size_t i;

				for (i = 0; i < nh.n_descsz && 2 * i + 2 < sizeof(vm->build_id); i++)
					snprintf(vm->build_id + 2 * i, 3, "%02x", b[i]);
				return;
			}
		}
	}
}

struct terr *vml_open(const char *path, struct vmlinux **out)
{
	struct vmlinux *vm;
	struct terr *e;
	GElf_Ehdr eh;

	elf_version(EV_CURRENT);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return terr_fmt(TERR_DUMP, "out of memory");
	vm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (vm->fd < 0) {
		free(vm);
		return terr_fmt(TERR_DUMP, "cannot open vmlinux %s: %m", path);
	}
	vm->elf = elf_begin(vm->fd, ELF_C_READ_MMAP, NULL);
	if (!vm->elf || elf_kind(vm->elf) != ELF_K_ELF || !gelf_getehdr(vm->elf, &eh)) {
		vml_close(vm);
		return terr_fmt(TERR_DUMP, "%s is not an ELF file", path);
	}
	vm->machine = eh.e_machine;
	e = load_symbols(vm);
	if (e) {
		vml_close(vm);
		return terr_wrap(e, "%s", path);
	}
	load_build_id(vm);
	vm->dw = dwarf_begin_elf(vm->elf, DWARF_C_READ, NULL);
	if (!vm->dw) {
		vml_close(vm);
		return terr_fmt(TERR_DUMP, "%s has no DWARF debug info (need CONFIG_DEBUG_INFO): %s",
				path, dwarf_errmsg(-1));
	}
	*out = vm;
	return NULL;
}

void vml_close(struct vmlinux *vm)
{
	if (!vm)
		return;
	if (vm->dw)
		dwarf_end(vm->dw);
	if (vm->elf)
		elf_end(vm->elf);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->syms);
	free(vm->byname);
	free(vm);
}

int vml_machine(const struct vmlinux *vm)
{
	return vm->machine;
}

const char *vml_build_id(const struct vmlinux *vm)
{
	return vm->build_id;
}

void vml_set_offset(struct vmlinux *vm, uint64_t off)
{
	vm->offset = off;
}

uint64_t vml_offset(const struct vmlinux *vm)
{
	return vm->offset;
}

static const struct vsym *by_name(const struct vmlinux *vm, const char *name)
{
	struct vsym key = { .name = name }, *kp = &key, **hit;

	hit = bsearch(&kp, vm->byname, vm->nsyms, sizeof(*vm->byname), cmp_name);
	return hit ? *hit : NULL;
}

bool vml_sym_addr(const struct vmlinux *vm, const char *name, uint64_t *addr)
{
	const struct vsym *s = by_name(vm, name);

	if (!s)
		return false;
	*addr = s->addr + vm->offset;
	return true;
}

const struct vsym *vml_sym_at(const struct vmlinux *vm, uint64_t raddr, bool text)
{
	uint64_t addr = raddr - vm->offset;
	size_t lo = 0, hi = vm->nsyms, i;

	while (lo < hi) {	/* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (vm->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0;) {
		const struct vsym *s = &vm->syms[i];

		if (addr - s->addr > 0x100000)
			return NULL;
		if (text && !s->func)
			continue;
		if (s->size ? addr < s->addr + s->size : (i + 1 < vm->nsyms &&
		    addr < vm->syms[i + 1].addr && addr - s->addr < 0x10000))
			return s;
		/* a sized function that does not cover addr: no symbol */
		if (s->func && s->size)
			return NULL;
	}
	return NULL;
}

/* ---- DWARF ---- */

static bool find_struct_in_cu(Dwarf_Die *cu, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_structure_type)
			continue;
		n = dwarf_diename(&child);
		if (!n || strcmp(n, name) || dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		*out = child;
		return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static struct terr *find_struct(struct vmlinux *vm, const char *name, const char *hint,
				Dwarf_Die *out)
{
	const struct vsym *s = hint ? by_name(vm, hint) : NULL;
	Dwarf_Off off = 0, next;
	size_t hsize, i;
	Dwarf_Die cu;

	for (i = 0; i < vm->ntypes; i++)
		if (!strcmp(vm->types[i].name, name)) {
			*out = vm->types[i].die;
			return NULL;
		}
	if (!(s && dwarf_addrdie(vm->dw, s->addr, &cu) && find_struct_in_cu(&cu, name, out))) {
		bool found = false;

		while (!found && dwarf_nextcu(vm->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			if (dwarf_offdie(vm->dw, off + hsize, &cu))
				found = find_struct_in_cu(&cu, name, out);
			off = next;
		}
		if (!found)
			return terr_fmt(TERR_DUMP, "vmlinux DWARF has no struct %s", name);
	}
	if (vm->ntypes < sizeof(vm->types) / sizeof(vm->types[0])) {
		snprintf(vm->types[vm->ntypes].name, sizeof(vm->types[0].name), "%s", name);
		vm->types[vm->ntypes++].die = *out;
	}
	return NULL;
}

/* Follows typedefs and qualifiers to the type itself. */
static bool strip_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	int depth;

	if (!dwarf_attr(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return false;
	for (depth = 0; depth < 16; depth++) {
		int tag = dwarf_tag(&t);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_atomic_type)
			break;
		if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return false;
	}
	*out = t;
	return true;
}

static bool member_offset(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;

	if (!dwarf_attr(m, DW_AT_data_member_location, &a)) {
		*off = 0;	/* union members */
		return true;
	}
	return dwarf_formudata(&a, off) == 0;
}

/* Member @name of aggregate @agg, looking through anonymous members. */
static bool find_member(Dwarf_Die *agg, const char *name, size_t len,
			Dwarf_Die *out, Dwarf_Word *off, int depth)
{
	Dwarf_Die m;

	if (depth > 8 || dwarf_child(agg, &m) != 0)
		return false;
	do {
		const char *n;
		Dwarf_Word o;

		if (dwarf_tag(&m) != DW_TAG_member || !member_offset(&m, &o))
			continue;
		n = dwarf_diename(&m);
		if (n && strlen(n) == len && !strncmp(n, name, len)) {
			*out = m;
			*off = o;
			return true;
		}
		if (!n) {
			Dwarf_Die t, inner;
			Dwarf_Word io;

			if (strip_type(&m, &t) && find_member(&t, name, len, &inner, &io, depth + 1)) {
				*out = inner;
				*off = o + io;
				return true;
			}
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

struct terr *vml_member(struct vmlinux *vm, const char *type, const char *hint,
			const char *path, size_t *off, size_t *size)
{
	Dwarf_Die agg, m, t;
	Dwarf_Word total = 0, o, sz;
	const char *p = path;
	struct terr *e = find_struct(vm, type, hint, &agg);

	if (e)
		return e;
	for (;;) {
		size_t len = strcspn(p, ".");

		if (!find_member(&agg, p, len, &m, &o, 0))
			return terr_fmt(TERR_DUMP, "vmlinux DWARF: struct %s has no member %s",
					type, path);
		total += o;
		if (!strip_type(&m, &t))
			return terr_fmt(TERR_DUMP, "vmlinux DWARF: no type for %s.%s", type, path);
		if (!p[len])
			break;
		agg = t;
		p += len + 1;
	}
	if (dwarf_aggregate_size(&t, &sz) != 0)
		sz = 0;
	*off = total;
	*size = sz;
	return NULL;
}

struct terr *vml_sizeof(struct vmlinux *vm, const char *type, const char *hint, size_t *size)
{
	Dwarf_Die agg;
	Dwarf_Word sz;
	struct terr *e = find_struct(vm, type, hint, &agg);

	if (e)
		return e;
	if (dwarf_aggregate_size(&agg, &sz) != 0)
		return terr_fmt(TERR_DUMP, "vmlinux DWARF: no size for struct %s", type);
	*size = sz;
	return NULL;
}
