/** A small backend-neutral tensor algebra: symbolic tensors, their operations, host values. */
package io.pldr.api.tensor;
