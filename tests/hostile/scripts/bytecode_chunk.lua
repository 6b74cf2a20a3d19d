@@BYTE 1b@@LuaT -- Attack: a precompiled (bytecode) chunk. Malformed bytecode can break the
-- VM's invariants (memory safety), so only text may load. This file starts
-- with the bytecode signature (ESC "Lua") and stays valid UTF-8 so that it
-- gets past the UTF-8 check to the loader.
-- Stopped by: luaL_loadbufferx(..., "t") -> deploy refused, INVALID_ARGUMENT.
