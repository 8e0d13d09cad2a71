#ifndef LEAKSCOPE_FREELISTS_H
#define LEAKSCOPE_FREELISTS_H

/* CPython 3.11 keeps freed floats, tuples, lists and dicts on free lists and hands them out again
 * without calling the object allocator, so an allocator hook would credit a reused object to the
 * stack that first allocated its memory. With native traces these free lists are kept empty, so every
 * such object comes from the allocator and is recorded where it is made:
 * - floats and tuples: their lists push while a count is below its limit and pop while the list is
 *   non-empty, so a count set at the limit over an empty list turns both off;
 * - lists and dicts: their counts decide both ways, so their tp_dealloc is wrapped to hand whatever
 *   the original put on the list back to the allocator at once.
 * The smaller caches (one slice, async generator values, contexts) are left alone. */

#ifdef __cplusplus
extern "C" {
#endif

/* Wraps the tp_dealloc of list and dict. Call once, before or after the interpreter starts. */
void leakscope_bypass_freelists_wrap_deallocs(void);

/* Empties the free lists of the calling thread's interpreter and turns the float and tuple ones off.
 * Call with the GIL held, once the interpreter is initialised. */
void leakscope_bypass_freelists_drain(void);

#ifdef __cplusplus
}
#endif

#endif
