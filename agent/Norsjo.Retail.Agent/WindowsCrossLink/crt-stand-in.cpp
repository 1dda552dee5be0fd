// Stand-in for the few static pieces of Microsoft's C runtime (libcmt.lib, libvcruntime.lib, libcpmt.lib; not served
// by any registry here) that the win-x64 Native AOT runtime's objects ask for when the agent is linked on Linux with
// lld-link (WindowsCrossLink.targets; agent/README.md, "win-x64 from Linux"). Everything else comes from the Universal
// CRT (ucrtbase.dll). Compiled by clang for x86_64-pc-windows-msvc, without headers: the declarations are its own.
// Known gaps against Microsoft's: no cookie check in __GSHandlerCheck, no load-config directory (no CFG table).
typedef unsigned long long size_t;
typedef unsigned long long uintptr_t;
typedef unsigned long DWORD;
typedef void (*PVFV)(void);
typedef int (*PIFV)(void);
typedef void (__stdcall *TlsCallback)(void*, DWORD, void*);

extern "C" {
void* malloc(size_t);
void free(void*);
int _crt_atexit(PVFV);
int _initterm_e(PIFV*, PIFV*);
void _initterm(PVFV*, PVFV*);
int _set_app_type(int);
int _configure_wide_argv(int);
int _initialize_wide_environment(void);
int* __p___argc(void);
wchar_t*** __p___wargv(void);
[[noreturn]] void exit(int);
unsigned long long __stdcall GetTickCount64(void);
DWORD __stdcall GetCurrentProcessId(void);
DWORD __stdcall GetCurrentThreadId(void);
int __stdcall QueryPerformanceCounter(long long*);
int wmain(int, wchar_t**);

int _fltused = 0x9875;
uintptr_t __security_cookie = 0x00002B992DDFA232ull;

int atexit(PVFV f) { return _crt_atexit(f); }

// The C and C++ initialisers, the thread-local initialisers and the TLS callbacks, as MSVC's linker lays them out.
#pragma section(".CRT$XIA", long, read)
#pragma section(".CRT$XIZ", long, read)
#pragma section(".CRT$XCA", long, read)
#pragma section(".CRT$XCZ", long, read)
#pragma section(".CRT$XDA", long, read)
#pragma section(".CRT$XDZ", long, read)
#pragma section(".CRT$XLA", long, read)
#pragma section(".CRT$XLC", long, read)
#pragma section(".CRT$XLZ", long, read)
__declspec(allocate(".CRT$XIA")) PIFV __xi_a[] = { 0 };
__declspec(allocate(".CRT$XIZ")) PIFV __xi_z[] = { 0 };
__declspec(allocate(".CRT$XCA")) PVFV __xc_a[] = { 0 };
__declspec(allocate(".CRT$XCZ")) PVFV __xc_z[] = { 0 };
__declspec(allocate(".CRT$XDA")) PVFV __xd_a = 0;
__declspec(allocate(".CRT$XDZ")) PVFV __xd_z = 0;
__declspec(allocate(".CRT$XLA")) TlsCallback __xl_a = 0;
__declspec(allocate(".CRT$XLZ")) TlsCallback __xl_z = 0;

// Thread-local storage: the directory the loader reads (MSVC's tlssup).
DWORD _tls_index = 0;
#pragma section(".tls", read, write)
#pragma section(".tls$ZZZ", read, write)
__declspec(allocate(".tls")) char _tls_start = 0;
__declspec(allocate(".tls$ZZZ")) char _tls_end = 0;
struct TlsDirectory { unsigned long long start, end, index, callbacks; DWORD zeroFill, characteristics; };
extern const TlsDirectory _tls_used = {
    (unsigned long long)&_tls_start, (unsigned long long)&_tls_end, (unsigned long long)&_tls_index,
    (unsigned long long)(&__xl_a + 1), 0, 0 };

// Dynamic initialisers of thread_local variables, run once per thread (MSVC's tlsdyn).
__declspec(thread) bool __tls_guard = false;
void __stdcall __dyn_tls_init(void*, DWORD reason, void*) {
    if (reason != 2 /* DLL_THREAD_ATTACH */ || __tls_guard) return;
    __tls_guard = true;
    for (PVFV* f = &__xd_a + 1; f != &__xd_z; ++f) if (*f) (*f)();
}
__declspec(allocate(".CRT$XLC")) TlsCallback __dyn_tls_init_callback = __dyn_tls_init;
void __dyn_tls_on_demand_init(void) { __dyn_tls_init(nullptr, 2, nullptr); }

// /GS: the cookie check keeps rax/xmm0 (the caller's return value), hence assembly; a failed check ends the process.
__asm__(".globl __security_check_cookie\n__security_check_cookie:\n cmpq __security_cookie(%rip), %rcx\n jne 1f\n ret\n1:\n movl $2, %ecx\n int $0x29\n");
void __report_rangecheckfailure(void) { __asm__ volatile("movl $8, %%ecx\n int $0x29" ::: "ecx"); __builtin_unreachable(); }
// The frame's own cookie is checked on every normal return; in an exception's search pass this stand-in only continues the search.
int __GSHandlerCheck(void*, void*, void*, void*) { return 1; /* ExceptionContinueSearch */ }

// Control-flow guard's indirect-call dispatch without a guard table: a plain jump.
__asm__(".globl __guard_dispatch_icall_nop\n__guard_dispatch_icall_nop:\n jmpq *%rax\n");
void __guard_dispatch_icall_nop(void);
void* __guard_dispatch_icall_fptr = (void*)&__guard_dispatch_icall_nop;

// Stack probe: touch each 4 KiB page of a large frame (rax = its size), keeping every register but flags. ___chkstk_ms is
// the same probe under MinGW's name, which SQLite's object asks for (compiled for the mingw target: StaticSqlite.targets).
__asm__(".globl __chkstk\n.globl ___chkstk_ms\n__chkstk:\n___chkstk_ms:\n pushq %rcx\n pushq %rax\n cmpq $0x1000, %rax\n leaq 24(%rsp), %rcx\n jb 2f\n"
        "1:\n subq $0x1000, %rcx\n testq %rcx, (%rcx)\n subq $0x1000, %rax\n cmpq $0x1000, %rax\n ja 1b\n"
        "2:\n subq %rax, %rcx\n testq %rcx, (%rcx)\n popq %rax\n popq %rcx\n ret\n");

int wmainCRTStartup(void) {
    long long counter = 0;
    QueryPerformanceCounter(&counter);
    uintptr_t cookie = __security_cookie ^ GetTickCount64() ^ ((uintptr_t)GetCurrentProcessId() << 32)
        ^ GetCurrentThreadId() ^ (uintptr_t)counter ^ ((uintptr_t)counter << 32) ^ (uintptr_t)&counter;
    __security_cookie = (cookie & 0x0000FFFFFFFFFFFFull) | 1;
    _set_app_type(1 /* console */);
    _configure_wide_argv(1 /* unexpanded */);
    _initialize_wide_environment();
    if (_initterm_e(__xi_a, __xi_z) != 0) return 255;
    _initterm(__xc_a, __xc_z);
    __dyn_tls_init(nullptr, 2, nullptr);
    exit(wmain(*__p___argc(), *__p___wargv()));
}
}

namespace std { struct nothrow_t { explicit nothrow_t() = default; }; extern const nothrow_t nothrow; const nothrow_t nothrow{}; }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return malloc(n ? n : 1); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return malloc(n ? n : 1); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
void operator delete[](void* p, size_t) noexcept { free(p); }
