#!/usr/bin/env bash
# Downloads the real-pathology development set (three public brain MRI volumes with lesion masks)
# from their public repositories at pinned commits, checks each file's sha256 (of the uncompressed
# NIfTI, so a recompressed copy still matches), and stores them gzipped under DIR (default data/realdev).
# Files already present and intact are kept. MEDAD_REALDEV_MIRROR replaces https://github.com (a
# mirror laid out as <owner>/<repo>/raw/<commit>/<path>, e.g. file:///srv/mirror).
# Then: the slicing command it prints writes the leave-one-volume-out folds of experiments/realdev.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-data/realdev}"
base="${MEDAD_REALDEV_MIRROR:-https://github.com}"

# name | repository | commit | path in the repository | sha256 of the uncompressed .nii
sources='glioma_brats_flair.nii.gz|BrainLesion/BraTS|528ab54e0599e30b831c759fa001eb95c2b053d9|data/preprocessed_case/t2f.nii.gz|777cd2dbe37e6e23c9d5dd4008b6c7f23f1e3b043e53481c4c45c8a5e6033a08
glioma_brats_seg_model.nii.gz|BrainLesion/BraTS|528ab54e0599e30b831c759fa001eb95c2b053d9|outputs/segmentation.nii.gz|5bfe4963b6828222fe66bb5ec13983632b8983ba9cf70aa6eb466a8f56eecab9
brats2021_01646_flair.nii.gz|uni-medical/SAM-Med3D|1ebf2fe8c246ea9edcb365d874a71d52cd7b911c|data/validation/edema/mr_flair_BraTS2021/imagesTr/BraTS2021_01646.nii.gz|3e2b0771ad5af289224c2df1469f218489dfe292a52c540cee85083426174c28
brats2021_01646_edema.nii.gz|uni-medical/SAM-Med3D|1ebf2fe8c246ea9edcb365d874a71d52cd7b911c|data/validation/edema/mr_flair_BraTS2021/labelsTr/BraTS2021_01646.nii.gz|103b09df294fbf64c26084ec876f99d2d66b9cae9a7c27216138cab8a6640b6a
stroke_t2.nii.gz|neurolabusc/Clinical|1b6bc35f55a5a3dcdc8f7c3e5d58ba3407171dcb|Tutorial/tutorial/T2.nii|a7619010a456c26f134849da323d15d1573ff38beb7858a3cb1052170be9a24d
stroke_t2_lesion.nii.gz|neurolabusc/Clinical|1b6bc35f55a5a3dcdc8f7c3e5d58ba3407171dcb|Tutorial/tutorial/lesionT2.nii|6c9b8e9da1fb4b3465f1377c40ab73e33acfae9ec4b7ca2e5a047a42ad893c43'

# sha256 of a file's NIfTI content: gunzipped when it is gzip (a truncated gzip fails here).
is_gzip() { [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" = "1f8b" ]; }
content_sha() {
  if is_gzip "$1"; then
    gzip -t "$1" 2>/dev/null || { echo "not-a-whole-gzip"; return; }
    gzip -dc "$1" | sha256sum | cut -c1-64
  else sha256sum < "$1" | cut -c1-64; fi
}

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0
while IFS='|' read -r name repo commit path sha; do
  target="$out/$name"
  if [ -f "$target" ] && [ "$(content_sha "$target")" = "$sha" ]; then
    echo "fetch-realdev: $target is present and intact"
    continue
  fi
  url="$base/$repo/raw/$commit/$path"
  if ! curl -fsSL --retry 3 -o "$tmp/download" "$url"; then
    echo "fetch-realdev: cannot download $url" >&2; failed=1; continue
  fi
  got="$(content_sha "$tmp/download")"
  if [ "$got" != "$sha" ]; then
    echo "fetch-realdev: $url: sha256 of its NIfTI content is $got, expected $sha" >&2; failed=1; continue
  fi
  if is_gzip "$tmp/download"; then mv "$tmp/download" "$tmp/$name"
  else gzip -n -c "$tmp/download" > "$tmp/$name"; fi
  mv "$tmp/$name" "$target"
  echo "fetch-realdev: $target from $repo@${commit:0:8}"
done <<< "$sources"
[ "$failed" -eq 0 ] || { echo "fetch-realdev: the files named above are missing or corrupt (the others are in place); run it again" >&2; exit 1; }

echo "fetch-realdev: the development set is in $out (see README, 'Real-pathology development set'). Slice it with:"
echo "  .build/release/medad data folds --out data/realdev-folds --size 64 \\"
echo "    --case glioma=$out/glioma_brats_flair.nii.gz,$out/glioma_brats_seg_model.nii.gz \\"
echo "    --case brats2021=$out/brats2021_01646_flair.nii.gz,$out/brats2021_01646_edema.nii.gz \\"
echo "    --case stroke=$out/stroke_t2.nii.gz,$out/stroke_t2_lesion.nii.gz"
