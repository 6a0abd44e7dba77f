// Unit and integration tests start real registries, git and server processes; on a loaded
// 2-core machine Jest's 5 s default fails them for slowness, not for a fault. A hang still fails.
'use strict';
jest.setTimeout(30000);
