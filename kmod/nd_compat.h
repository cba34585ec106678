/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels netdrop supports, decided by the Kbuild
 * compile probes in kmod/conftest/ (see kmod/Kbuild), never by version.
 */
#ifndef _ND_COMPAT_H
#define _ND_COMPAT_H

#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>

/*
 * __uninitialized (compiler_attributes.h, where the kernel has it): a
 * stack variable that CONFIG_INIT_STACK_ALL_* need not clear.  Without it
 * the variable is cleared, which costs time and changes nothing else.
 */
#ifndef __uninitialized
#define __uninitialized
#endif

/*
 * kzalloc_obj() (slab.h from 7.x; a macro): one zeroed object of the type
 * of @P.  Where the headers lack it, the same allocation spelled out.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP) kzalloc(sizeof(P), GFP)
#endif

/* in_hardirq() replaced in_irq() in 5.11; both are macros. */
#ifndef in_hardirq
#define in_hardirq() in_irq()
#endif

#ifdef ND_HAVE_VM_FLAGS_SET
static inline void nd_vm_flags_set(struct vm_area_struct *vma, vm_flags_t f)
{
	vm_flags_set(vma, f);
}

static inline void nd_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t f)
{
	vm_flags_clear(vma, f);
}
#else
static inline void nd_vm_flags_set(struct vm_area_struct *vma, vm_flags_t f)
{
	vma->vm_flags |= f;
}

static inline void nd_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t f)
{
	vma->vm_flags &= ~f;
}
#endif

#include <linux/kprobes.h>

/* Called from kretprobe entry handlers: never itself probed. */
static nokprobe_inline struct kretprobe *
nd_kretprobe_of(struct kretprobe_instance *ri)
{
#ifdef ND_HAVE_GET_KRETPROBE
	return get_kretprobe(ri);
#else
	return ri->rp;
#endif
}

#endif
