/** Running tasks on log-likelihood engines, with progress. */
package io.pldr.eval.run;
