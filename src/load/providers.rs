//! Loading of provider pages (`content/<family>/providers/*.yaml`).

use super::{parse_file, stem, yaml_files};
use crate::diag::Diagnostics;
use crate::model::{CodeSpec, Provider, ProviderData};
use std::collections::BTreeSet;
use std::path::Path;

/// Parses every provider page in `dir`, sorted by slug. The stems of files that failed to
/// parse go to `broken`, so references to them are not reported a second time.
pub(super) fn load_providers(
    root: &Path,
    dir: &Path,
    broken: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) -> Vec<Provider> {
    let mut out = Vec::new();
    for p in yaml_files(root, dir, diags) {
        match parse_file::<ProviderData>(root, &p, diags) {
            Some((source, data)) => {
                // Items that do not parse are reported by `validate`, with their position.
                let specs = data
                    .codes
                    .iter()
                    .filter_map(|c| CodeSpec::parse(c).ok())
                    .collect();
                out.push(Provider {
                    source,
                    data,
                    specs,
                });
            }
            None => {
                broken.insert(stem(&p));
            }
        }
    }
    out.sort_by(|a, b| a.source.stem().cmp(b.source.stem()));
    out
}
