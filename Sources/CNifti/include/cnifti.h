// A thin, defensive C API over libnifti (nifti1_io + znzlib) for NIfTI-1 single files (.nii, .nii.gz).
// Swift sees only these plain types; libnifti's own structs stay inside cnifti.c.
#pragma once
#include <stddef.h>

// Absurd-size guard: any axis longer than this, or more voxels than CN_MAX_VOXELS, is refused
// before anything is allocated.
#define CN_MAX_AXIS 8192
#define CN_MAX_VOXELS (1LL << 30)
#define CN_RAW_HEADER_BYTES 348

typedef struct {
    int dims[3];              // nx, ny, nz (trailing axes of a 1D/2D image are 1)
    int ndim;                 // dim[0] of the file
    double spacing[3];        // |pixdim[1..3]|
    int datatype;             // NIfTI datatype code
    double slope, inter;      // scl_slope / scl_inter as stored (slope 0 means "no scaling")
    int qform_code, sform_code;
    double qform[16], sform[16];   // row-major 4x4 voxel -> world matrices as libnifti computes them
    char orientation[4];      // axis codes of the effective transform (sform, else qform), e.g. "RAS"
    long long vox_offset;
    int swapped;              // file byte order differs from this machine's
    unsigned char raw[CN_RAW_HEADER_BYTES];   // the header in native byte order, reused when writing
} cn_header;

// Each call returns 0 on success, or -1 and a one-line reason in err (without the file name).

// Reads and validates the header only (magic, dims, datatype, offsets, sizes against the file).
int cn_read_header(const char *path, cn_header *h, char *err, int errlen);

// Reads the header and streams the voxels into `voxels` (room for `count` floats, the product of
// the dims cn_read_header reported) as float with scl_slope/scl_inter applied, a fixed-size chunk at
// a time. Fails on 4D data (more than one volume), short data, corrupt compressed streams, NaN or
// infinite voxels, and a file whose voxel count is no longer `count`.
int cn_read_volume(const char *path, cn_header *h, float *voxels, size_t count, char *err, int errlen);

// The same checks as cn_read_volume without a destination: the intensity range (scl_slope/scl_inter
// applied) in bounded memory, whatever size the header claims.
int cn_volume_range(const char *path, cn_header *h, float *min, float *max, char *err, int errlen);

// Writes voxels as `datatype` (integers are rounded and clamped; NaN or Inf voxels are refused,
// as no reader would accept the file). With a source
// header (raw, native order) every field but dims/datatype/scaling is kept, so the affine matches;
// with NULL a fresh header with axis-aligned qform and sform from `spacing` is made.
// .nii.gz files are written with zlib level 1 (fast).
int cn_write_volume(const char *path, const unsigned char *raw_header, const int dims[3],
                    const double spacing[3], int datatype, const float *voxels, char *err, int errlen);

// Bytes per voxel of a supported datatype, 0 for an unsupported one.
int cn_datatype_size(int datatype);
const char *cn_datatype_name(int datatype);
