// Test setup for packages that use tensors: gradients registered and a backend selected once per
// worker, through the same entry point the apps use (@normfree/backend).
import { selectBackend, type BackendName } from '@normfree/backend';

const prefer = (process.env['NORMFREE_TEST_BACKEND'] ?? 'cpu') as BackendName;
await selectBackend({ prefer, quiet: true });
