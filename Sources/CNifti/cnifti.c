// NIfTI-1 reading and writing through libnifti's header struct, header conversion and znz I/O.
// Everything that could make libnifti print, exit or allocate without bound is checked here first:
// libnifti itself trusts the header, reads a truncated .nii.gz as if whole (zero-filled), and only
// warns on stderr.
#include "cnifti.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nifti/nifti1_io.h>
#include <znzlib.h>

static void fail(char *err, int errlen, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, (size_t)errlen, fmt, args);
    va_end(args);
}

static void quiet(void) { nifti_set_debug_level(0); }

int cn_datatype_size(int datatype) {
    switch (datatype) {
    case DT_UINT8: case DT_INT8: return 1;
    case DT_INT16: case DT_UINT16: return 2;
    case DT_INT32: case DT_UINT32: case DT_FLOAT32: return 4;
    case DT_INT64: case DT_UINT64: case DT_FLOAT64: return 8;
    default: return 0;
    }
}

const char *cn_datatype_name(int datatype) {
    switch (datatype) {
    case DT_UINT8: return "uint8";
    case DT_INT8: return "int8";
    case DT_INT16: return "int16";
    case DT_UINT16: return "uint16";
    case DT_INT32: return "int32";
    case DT_UINT32: return "uint32";
    case DT_INT64: return "int64";
    case DT_UINT64: return "uint64";
    case DT_FLOAT32: return "float32";
    case DT_FLOAT64: return "float64";
    default: return "unsupported";
    }
}

static char axis_letter(int code) {
    switch (code) {
    case NIFTI_L2R: return 'R';
    case NIFTI_R2L: return 'L';
    case NIFTI_P2A: return 'A';
    case NIFTI_A2P: return 'P';
    case NIFTI_I2S: return 'S';
    case NIFTI_S2I: return 'I';
    default: return '?';
    }
}

static void copy_matrix(const mat44 *m, double out[16]) {
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) out[r * 4 + c] = m->m[r][c];
}

// Validates a header already in native byte order; fills everything but `raw` and `swapped`.
static int check_header(const struct nifti_1_header *nh, const char *path, long long file_bytes,
                        cn_header *h, char *err, int errlen) {
    if (memcmp(nh->magic, "ni1", 4) == 0) {
        fail(err, errlen, "two-file NIfTI (.hdr/.img) is not supported, convert it to .nii or .nii.gz");
        return -1;
    }
    if (memcmp(nh->magic, "n+1", 4) != 0) {
        fail(err, errlen, "wrong magic (not a single-file NIfTI-1 image)");
        return -1;
    }
    int ndim = nh->dim[0];
    if (ndim < 1 || ndim > 7) {
        fail(err, errlen, "inconsistent dimensions: dim[0] = %d (expected 1 to 7)", ndim);
        return -1;
    }
    long long voxels = 1;
    for (int i = 1; i <= ndim; i++) {
        if (nh->dim[i] < 1 || nh->dim[i] > CN_MAX_AXIS) {
            fail(err, errlen, "absurd or inconsistent dimensions: dim[%d] = %d (expected 1 to %d)",
                 i, nh->dim[i], CN_MAX_AXIS);
            return -1;
        }
        if (i > 3 && nh->dim[i] > 1) {
            fail(err, errlen, "%dD image with %d entries along axis %d where a 3D volume is expected",
                 ndim, nh->dim[i], i);
            return -1;
        }
        voxels *= nh->dim[i];
    }
    if (voxels > CN_MAX_VOXELS) {
        fail(err, errlen, "absurd dimensions: %lld voxels (at most %lld allowed)", voxels, CN_MAX_VOXELS);
        return -1;
    }
    int size = cn_datatype_size(nh->datatype);
    if (size == 0) {
        fail(err, errlen, "unsupported datatype %d (%s)", nh->datatype, nifti_datatype_string(nh->datatype));
        return -1;
    }
    if (nh->bitpix != 8 * size) {
        fail(err, errlen, "bitpix %d does not match datatype %s", nh->bitpix, cn_datatype_name(nh->datatype));
        return -1;
    }
    // A single file needs 352 at least: bytes 348-351 are the extension flag, which an offset of 348
    // would read as the first voxel.
    if (!isfinite(nh->vox_offset) || nh->vox_offset < 352 || nh->vox_offset > (1 << 24)) {
        fail(err, errlen, "vox_offset %g is out of range (expected 352 to %d)", (double)nh->vox_offset, 1 << 24);
        return -1;
    }
    if (!isfinite(nh->scl_slope) || !isfinite(nh->scl_inter)) {
        fail(err, errlen, "scl_slope/scl_inter are not finite");
        return -1;
    }
    for (int i = 1; i <= 3; i++) {
        float p = nh->pixdim[i];
        if (!isfinite(p)) {
            fail(err, errlen, "voxel spacing pixdim[%d] is not finite", i);
            return -1;
        }
    }
    long long data_bytes = voxels * size;
    long long offset = (long long)nh->vox_offset;
    if (file_bytes >= 0 && file_bytes < offset + data_bytes) {
        fail(err, errlen, "truncated: header needs %lld bytes of voxel data at offset %lld, file has %lld bytes",
             data_bytes, offset, file_bytes);
        return -1;
    }

    nifti_image *nim = nifti_convert_nhdr2nim(*nh, path);
    if (nim == NULL) {
        fail(err, errlen, "libnifti rejected the header");
        return -1;
    }
    h->ndim = ndim;
    for (int i = 0; i < 3; i++) {
        h->dims[i] = i < ndim ? nh->dim[i + 1] : 1;
        double p = fabs((double)nh->pixdim[i + 1]);
        h->spacing[i] = p > 0 ? p : 1.0;   // unset spacing (0) means "unknown": NIfTI readers use 1 mm
    }
    h->datatype = nh->datatype;
    h->slope = nh->scl_slope;
    h->inter = nh->scl_inter;
    h->qform_code = nim->qform_code;
    h->sform_code = nim->sform_code;
    copy_matrix(&nim->qto_xyz, h->qform);
    copy_matrix(&nim->sto_xyz, h->sform);
    int ic, jc, kc;
    nifti_mat44_to_orientation(nim->sform_code > 0 ? nim->sto_xyz : nim->qto_xyz, &ic, &jc, &kc);
    h->orientation[0] = axis_letter(ic);
    h->orientation[1] = axis_letter(jc);
    h->orientation[2] = axis_letter(kc);
    h->orientation[3] = 0;
    h->vox_offset = offset;
    nifti_image_free(nim);
    return 0;
}

static long long plain_file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

// Opens the file and reads + validates the header; on success the stream is left after the header.
static znzFile open_and_check(const char *path, cn_header *h, char *err, int errlen) {
    quiet();
    struct stat st;
    if (stat(path, &st) != 0) {
        fail(err, errlen, "cannot open (%s)", strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fail(err, errlen, "not a regular file");
        return NULL;
    }
    int compressed = nifti_is_gzfile(path);
    znzFile fp = znzopen(path, "rb", compressed);
    if (znz_isnull(fp)) {
        fail(err, errlen, "cannot open (%s)", strerror(errno));
        return NULL;
    }
    struct nifti_1_header nh;
    size_t got = znzread(&nh, 1, sizeof nh, fp);
    if (got > sizeof nh) {
        fail(err, errlen, "corrupt gzip stream in the header");
        znzclose(fp);
        return NULL;
    }
    if (got < sizeof nh) {
        fail(err, errlen, "too short for a NIfTI-1 header (%zu of 348 bytes)", got);
        znzclose(fp);
        return NULL;
    }
    h->swapped = 0;
    if (nh.sizeof_hdr != 348) {
        int swapped_size = nh.sizeof_hdr;
        nifti_swap_4bytes(1, &swapped_size);
        if (swapped_size != 348) {
            fail(err, errlen, nh.sizeof_hdr == 540 || swapped_size == 540
                     ? "NIfTI-2 files are not supported"
                     : "wrong magic: sizeof_hdr is %d, not 348 (not a NIfTI-1 file)", nh.sizeof_hdr);
            znzclose(fp);
            return NULL;
        }
        swap_nifti_header(&nh, 1);
        h->swapped = 1;
    }
    if (check_header(&nh, path, compressed ? -1 : plain_file_size(path), h, err, errlen) != 0) {
        znzclose(fp);
        return NULL;
    }
    memcpy(h->raw, &nh, sizeof nh);
    return fp;
}

int cn_read_header(const char *path, cn_header *h, char *err, int errlen) {
    znzFile fp = open_and_check(path, h, err, errlen);
    if (znz_isnull(fp)) return -1;
    znzclose(fp);
    return 0;
}

#define CONVERT(type)                                                           \
    for (size_t i = 0; i < n; i++) {                                            \
        double v = (double)((const type *)raw)[i];                              \
        out[i] = (float)(scaled ? v * slope + inter : v);                       \
    }

static size_t to_float(const void *raw, int datatype, size_t n, double slope, double inter, float *out) {
    int scaled = slope != 0 && !(slope == 1 && inter == 0);
    switch (datatype) {
    case DT_UINT8: CONVERT(uint8_t) break;
    case DT_INT8: CONVERT(int8_t) break;
    case DT_INT16: CONVERT(int16_t) break;
    case DT_UINT16: CONVERT(uint16_t) break;
    case DT_INT32: CONVERT(int32_t) break;
    case DT_UINT32: CONVERT(uint32_t) break;
    case DT_INT64: CONVERT(int64_t) break;
    case DT_UINT64: CONVERT(uint64_t) break;
    case DT_FLOAT32: CONVERT(float) break;
    case DT_FLOAT64: CONVERT(double) break;
    }
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += !isfinite(out[i]);
    return bad;
}

// Opens the file, checks its header and seeks to the first voxel.
static znzFile open_at_voxels(const char *path, cn_header *h, char *err, int errlen) {
    znzFile fp = open_and_check(path, h, err, errlen);
    if (znz_isnull(fp)) return NULL;
    if (znzseek(fp, (znz_off_t)h->vox_offset, SEEK_SET) < 0) {
        fail(err, errlen, "truncated or corrupt before the voxel data (offset %lld)", h->vox_offset);
        znzclose(fp);
        return NULL;
    }
    return fp;
}

// zlib reports a member that ends before its 8-byte trailer (CRC-32, length) only as a soft error,
// kept until gzclose returns Z_BUF_ERROR: without this check a .nii.gz cut by a few bytes reads as
// whole. The reads before it already drove zlib to the end, so this costs nothing.
static int close_checked(znzFile fp, char *err, int errlen) {
    if (znzclose(fp) == 0) return 0;
    fail(err, errlen, "truncated or corrupt gzip stream (the trailer after the voxel data is missing or damaged)");
    return -1;
}

// Streams the voxels of a file opened at its first voxel in chunks of a fixed size, converting each to
// float (scl_slope/scl_inter applied): into out[0, n) when out is given, else only into the range.
// Memory stays one chunk whatever the header claims, so a small .nii.gz that inflates to gigabytes
// (a gzip bomb) costs only what the caller chose to hold. Closes fp.
static int stream_voxels(znzFile fp, const cn_header *h, float *out, float *min, float *max, char *err, int errlen) {
    const size_t n = (size_t)h->dims[0] * (size_t)h->dims[1] * (size_t)h->dims[2];
    const int size = cn_datatype_size(h->datatype);
    const size_t chunk = n < ((size_t)1 << 20) ? n : (size_t)1 << 20;   // a small file gets a small buffer
    unsigned char *raw = malloc(chunk * (size_t)size);
    float *values = out == NULL ? malloc(chunk * sizeof(float)) : NULL;
    int status = raw != NULL && (out != NULL || values != NULL) ? 0 : -1;
    if (status != 0) fail(err, errlen, "out of memory for a %zu-voxel read buffer", chunk);
    float lo = INFINITY, hi = -INFINITY;
    size_t bad = 0;
    for (size_t done = 0; status == 0 && done < n;) {
        size_t count = n - done < chunk ? n - done : chunk;
        size_t want = count * (size_t)size;
        size_t got = znzread(raw, 1, want, fp);
        if (got != want) {
            fail(err, errlen, got > want ? "corrupt gzip stream after %zu of %zu voxels" : "truncated: %zu of %zu voxels present",
                 done + (got <= want ? got / (size_t)size : 0), n);
            status = -1;
            break;
        }
        if (h->swapped && size > 1) nifti_swap_Nbytes(count, size, raw);
        float *converted = out != NULL ? out + done : values;
        bad += to_float(raw, h->datatype, count, h->slope, h->inter, converted);
        for (size_t i = 0; min != NULL && i < count; i++) {
            lo = converted[i] < lo ? converted[i] : lo;
            hi = converted[i] > hi ? converted[i] : hi;
        }
        done += count;
    }
    free(raw);
    free(values);
    if (status == 0) {
        // One more read drives zlib to the end of the member, where it verifies the CRC and length.
        unsigned char extra;
        if (znzread(&extra, 1, 1, fp) > 1) {
            fail(err, errlen, "corrupt gzip stream (checksum or trailer)");
            status = -1;
        }
    }
    if (status != 0) {
        znzclose(fp);
        return -1;
    }
    if (close_checked(fp, err, errlen) != 0) return -1;
    // Counted over the whole file, after the stream proved complete, so the message says how many.
    if (bad > 0) {
        fail(err, errlen, "%zu of %zu voxels are NaN or infinite", bad, n);
        return -1;
    }
    if (min != NULL) *min = lo;
    if (max != NULL) *max = hi;
    return 0;
}

int cn_read_volume(const char *path, cn_header *h, float *voxels, size_t count, char *err, int errlen) {
    znzFile fp = open_at_voxels(path, h, err, errlen);
    if (znz_isnull(fp)) return -1;
    size_t n = (size_t)h->dims[0] * (size_t)h->dims[1] * (size_t)h->dims[2];
    if (n != count) {   // the file was replaced between reading its header and its voxels
        fail(err, errlen, "changed while being read: it now holds %zu voxels, %zu were expected", n, count);
        znzclose(fp);
        return -1;
    }
    return stream_voxels(fp, h, voxels, NULL, NULL, err, errlen);
}

int cn_volume_range(const char *path, cn_header *h, float *min, float *max, char *err, int errlen) {
    znzFile fp = open_at_voxels(path, h, err, errlen);
    if (znz_isnull(fp)) return -1;
    return stream_voxels(fp, h, NULL, min, max, err, errlen);
}

#define STORE_INT(type, lo, hi)                                                  \
    for (size_t i = 0; i < n; i++) {                                             \
        double v = voxels[i];                                                    \
        v = nearbyint(v);                                                        \
        ((type *)out)[i] = (type)(v < (lo) ? (lo) : v > (hi) ? (hi) : v);        \
    }

static void from_float(const float *voxels, size_t n, int datatype, void *out) {
    switch (datatype) {
    case DT_UINT8: STORE_INT(uint8_t, 0.0, 255.0) break;
    case DT_INT8: STORE_INT(int8_t, -128.0, 127.0) break;
    case DT_INT16: STORE_INT(int16_t, -32768.0, 32767.0) break;
    case DT_UINT16: STORE_INT(uint16_t, 0.0, 65535.0) break;
    case DT_INT32: STORE_INT(int32_t, -2147483648.0, 2147483647.0) break;
    case DT_UINT32: STORE_INT(uint32_t, 0.0, 4294967295.0) break;
    case DT_INT64: STORE_INT(int64_t, -9.2233720368547748e18, 9.2233720368547748e18) break;
    case DT_UINT64: STORE_INT(uint64_t, 0.0, 1.8446744073709550e19) break;
    case DT_FLOAT32: memcpy(out, voxels, n * sizeof(float)); break;
    case DT_FLOAT64:
        for (size_t i = 0; i < n; i++) ((double *)out)[i] = voxels[i];
        break;
    }
}

static void fresh_geometry(struct nifti_1_header *nh, const double spacing[3]) {
    nh->pixdim[0] = 1;   // qfac
    nh->qform_code = NIFTI_XFORM_SCANNER_ANAT;
    nh->sform_code = NIFTI_XFORM_SCANNER_ANAT;
    nh->quatern_b = nh->quatern_c = nh->quatern_d = 0;
    nh->qoffset_x = nh->qoffset_y = nh->qoffset_z = 0;
    memset(nh->srow_x, 0, sizeof nh->srow_x);
    memset(nh->srow_y, 0, sizeof nh->srow_y);
    memset(nh->srow_z, 0, sizeof nh->srow_z);
    nh->srow_x[0] = (float)spacing[0];
    nh->srow_y[1] = (float)spacing[1];
    nh->srow_z[2] = (float)spacing[2];
    nh->xyzt_units = NIFTI_UNITS_MM;
    for (int i = 0; i < 3; i++) nh->pixdim[i + 1] = (float)spacing[i];
}

int cn_write_volume(const char *path, const unsigned char *raw_header, const int dims[3],
                    const double spacing[3], int datatype, const float *voxels, char *err, int errlen) {
    quiet();
    int size = cn_datatype_size(datatype);
    if (size == 0) {
        fail(err, errlen, "unsupported datatype %d for writing", datatype);
        return -1;
    }
    struct nifti_1_header nh;
    if (raw_header != NULL) {
        memcpy(&nh, raw_header, sizeof nh);
    } else {
        int new_dims[8] = {3, dims[0], dims[1], dims[2], 1, 1, 1, 1};
        nifti_1_header *made = nifti_make_new_header(new_dims, datatype);
        if (made == NULL) {
            fail(err, errlen, "libnifti could not make a header");
            return -1;
        }
        nh = *made;
        free(made);
        fresh_geometry(&nh, spacing);
    }
    nh.sizeof_hdr = 348;
    nh.dim[0] = 3;
    for (int i = 0; i < 3; i++) nh.dim[i + 1] = (short)dims[i];
    for (int i = 4; i < 8; i++) nh.dim[i] = 1;
    nh.datatype = (short)datatype;
    nh.bitpix = (short)(8 * size);
    nh.scl_slope = 1;   // values are written as they are: no scaling, whatever the source had
    nh.scl_inter = 0;
    nh.cal_min = nh.cal_max = 0;
    nh.vox_offset = 352;
    memcpy(nh.magic, "n+1", 4);
    if (!nifti_hdr_looks_good(&nh)) {
        fail(err, errlen, "libnifti rejects the header to write");
        return -1;
    }

    size_t n = (size_t)dims[0] * (size_t)dims[1] * (size_t)dims[2];
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += !isfinite(voxels[i]);
    if (bad > 0) {   // such a file could not be read back: refuse it here, where the cause is
        fail(err, errlen, "%zu of %zu voxels to write are NaN or infinite", bad, n);
        return -1;
    }
    void *data = malloc(n * (size_t)size);
    if (data == NULL) {
        fail(err, errlen, "out of memory for %zu voxels", n);
        return -1;
    }
    from_float(voxels, n, datatype, data);

    int compressed = nifti_is_gzfile(path);
    // Level 1: several times faster than zlib's default 6 for a few percent larger files.
    znzFile fp = znzopen(path, compressed ? "wb1" : "wb", compressed);
    if (znz_isnull(fp)) {
        free(data);
        fail(err, errlen, "cannot create (%s)", strerror(errno));
        return -1;
    }
    const char extender[4] = {0, 0, 0, 0};
    int ok = znzwrite(&nh, 1, sizeof nh, fp) == sizeof nh
          && znzwrite(extender, 1, 4, fp) == 4
          && znzwrite(data, 1, n * (size_t)size, fp) == n * (size_t)size;
    free(data);
    ok = (znzclose(fp) == 0) && ok;
    if (!ok) {
        fail(err, errlen, "write failed (disk full or not writable?)");
        return -1;
    }
    return 0;
}
