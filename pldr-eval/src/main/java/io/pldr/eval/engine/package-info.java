/** Log-likelihood engines: the model behind the benchmarks, with or without G-cache. */
package io.pldr.eval.engine;
