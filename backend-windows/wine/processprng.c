/* A stand-in for bcryptprimitives.dll's ProcessPrng, which Rust's std (since 1.78) imports
 * and Wine only provides from 8.13 on. Built at test time with mingw by runner.sh and
 * placed in the private WINEPREFIX's system32; never committed as a binary, never used on
 * real Windows (which has the real DLL). */
#include <windows.h>

/* advapi32's RtlGenRandom (exported as SystemFunction036). */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG len);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
