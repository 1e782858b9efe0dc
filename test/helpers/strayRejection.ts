/**
 * Preloaded into main.js (`node -r`) by a test: once the app runs, a promise rejects with nobody listening, as a
 * dependency's forgotten promise would.
 */
setTimeout(() => {
  void Promise.reject(new Error('a stray rejection from a dependency'));
}, 300).unref();
