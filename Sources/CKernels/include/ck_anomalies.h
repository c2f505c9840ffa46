// Kernels of the synthetic anomaly generators (MedadAnomalies).
#pragma once
#include <stdint.h>

// Poisson image interpolation on a dense nx*ny*nz box (x fastest), Tan et al. 2021.
// Unknowns are the voxels with region[p] != 0. For each such p, over its in-box 4 (slice) or 6 (volume)
// neighbours q:  sum_q (f_p - f_q) = sum_q v_pq,  with f_q = target[q] when q is outside the region and
// the mixed, interpolated guidance  v_pq = argmax_abs((1 - alpha)(target_p - target_q), alpha(source_p - source_q)).
// Solved by Jacobi-preconditioned conjugate gradients in double precision, starting from target, until
// ||b - A f|| <= tolerance * ||b|| or max_iterations. out receives target with the region replaced by f.
// Returns the iterations used; *relative_residual receives the final ||b - A f|| / ||b||.
// Returns -1 when memory runs out (out is then a copy of target).
int ck_anom_poisson_interpolate(int nx, int ny, int nz, const float *target, const float *source,
                                const uint8_t *region, float alpha, double tolerance, int max_iterations,
                                float *out, double *relative_residual);
