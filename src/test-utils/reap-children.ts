/**
 * Jest setup (jest.config.js `setupFilesAfterEnv`): after each test, children
 * it started with `track` and left running are killed (src/test-utils/children.ts).
 */
import { killTrackedChildren } from './children';

afterEach(() => {
  killTrackedChildren();
});
