//! Text columns no analysis groups by, kept as ids into one copy of each distinct string and
//! decoded to strings only when a query reads them (a row export, a filter on a view id).
//!
//! A Polars categorical mapping costs ~160 bytes per distinct string: an allocation per
//! string, a hash-table entry and a reverse entry. A 10M-event export has ~1.7M distinct view
//! ids, ~280 MB of mapping for a column no analysis reads. Here a distinct string costs its
//! bytes, an 8-byte end and a 4-byte hash slot while the load runs, then its bytes and a
//! 16-byte view.

use super::collect::NO_ID;
use hashbrown::HashTable;
use polars::prelude::*;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// The text columns stored this way: identifiers and free text that analyses never group or
/// count by (they filter and export them). `user_agent` and `error_stack` are enrichment
/// sources: read by id while the load runs, like a categorical.
pub(super) const DICT_COLUMNS: [&str; 5] = ["view_id", "referrer", "user_agent", "error_stack", "target"];

/// The distinct strings of one column, ids in order of first sight.
pub(super) struct TextDict {
    state: Mutex<State>,
}

enum State {
    /// While the load runs: strings appended to one buffer, a table of ids hashed by their
    /// string.
    Building {
        strings: Strings,
        index: HashTable<u32>,
        hasher: PlRandomState,
    },
    /// After: the strings as one column, ids being row numbers.
    Done(Series),
}

/// Strings one after another: string `i` is `bytes[ends[i - 1]..ends[i]]`.
#[derive(Default)]
struct Strings {
    bytes: String,
    ends: Vec<usize>,
}

impl Strings {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn value(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len());
    }
}

impl State {
    fn insert(&mut self, s: &str) -> PolarsResult<u32> {
        let State::Building { strings, index, hasher } = self else {
            return Err(PolarsError::ComputeError("text dictionary already finished".into()));
        };
        let hash = hasher.hash_one(s);
        if let Some(&id) = index.find(hash, |&id| strings.value(id as usize) == s) {
            return Ok(id);
        }
        let id = u32::try_from(strings.len())
            .ok()
            .filter(|&id| id != NO_ID)
            .ok_or_else(|| PolarsError::ComputeError("more than 4 billion distinct strings".into()))?;
        strings.push(s);
        index.insert_unique(hash, id, |&i| hasher.hash_one(strings.value(i as usize)));
        Ok(id)
    }
}

fn poisoned() -> PolarsError {
    PolarsError::ComputeError("a text dictionary was poisoned by a panic".into())
}

impl TextDict {
    pub fn new() -> Self {
        TextDict {
            state: Mutex::new(State::Building {
                strings: Strings::default(),
                index: HashTable::new(),
                hasher: PlRandomState::default(),
            }),
        }
    }

    /// Ids of a batch's strings (`NO_ID` for nulls), adding strings not seen yet.
    pub fn encode(&self, ca: &StringChunked) -> PolarsResult<Vec<u32>> {
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        super::collect::encode_with(ca, |s| state.insert(s))
    }

    /// The id of a string, added when new.
    pub fn insert(&self, s: &str) -> PolarsResult<u32> {
        self.state.lock().map_err(|_| poisoned())?.insert(s)
    }

    /// Distinct strings so far.
    pub fn len(&self) -> usize {
        match self.state.lock().as_deref() {
            Ok(State::Building { strings, .. }) => strings.len(),
            Ok(State::Done(s)) => s.len(),
            Err(_) => 0,
        }
    }

    /// The string of an id.
    pub fn get(&self, id: u32) -> Option<String> {
        let state = self.state.lock().ok()?;
        let i = id as usize;
        match &*state {
            State::Building { strings, .. } => (i < strings.len()).then(|| strings.value(i).to_string()),
            State::Done(s) => s.str().ok()?.get(i).map(str::to_string),
        }
    }

    /// No more strings: the table goes, the strings become one column ([`TextDict::strings`]).
    pub fn finish(&self, name: &str) -> PolarsResult<()> {
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        if let State::Building { strings, .. } = &*state {
            let ca = StringChunked::from_iter_values(name.into(), (0..strings.len()).map(|i| strings.value(i)));
            *state = State::Done(ca.into_series());
        }
        Ok(())
    }

    /// The strings, row `i` holding id `i` (after [`TextDict::finish`]).
    pub fn strings(&self) -> PolarsResult<Series> {
        match &*self.state.lock().map_err(|_| poisoned())? {
            State::Done(s) => Ok(s.clone()),
            State::Building { .. } => Err(PolarsError::ComputeError("text dictionary not finished".into())),
        }
    }
}

/// A column of ids below `count` ([`NO_ID`] for nulls), as narrow as `count` allows.
pub(super) fn ids_column(name: &str, ids: &[u32], count: usize) -> Column {
    let values = ids.iter().map(|&v| (v != NO_ID).then_some(v));
    let bound = u32::try_from(count).unwrap_or(u32::MAX);
    super::numeric::narrowest(name.into(), values, bound).into_column()
}

/// The expression reading stored ids of column `name` as its strings.
pub(super) fn decoded(name: &str, strings: Series) -> Expr {
    let out = name.to_string();
    col(name)
        .map(
            move |c: Column| {
                let idx = c.as_materialized_series().cast(&IDX_DTYPE)?;
                let taken = strings.take(idx.idx()?)?;
                Ok(taken.with_name(c.name().clone()).into_column())
            },
            move |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
        )
        .alias(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_order_of_first_sight_and_decoded_back() -> PolarsResult<()> {
        let dict = TextDict::new();
        let a = StringChunked::new("v".into(), [Some("x"), None, Some("y"), Some("x")]);
        let b = StringChunked::new("v".into(), [Some("y"), Some("a string longer than twelve bytes"), None]);
        assert_eq!(dict.encode(&a)?, vec![0, NO_ID, 1, 0]);
        assert_eq!(dict.encode(&b)?, vec![1, 2, NO_ID]);
        assert_eq!(dict.len(), 3);
        assert_eq!(dict.get(2).as_deref(), Some("a string longer than twelve bytes"));
        assert_eq!(dict.get(3), None);
        dict.finish("v")?;
        assert!(dict.encode(&a).is_err());
        assert_eq!(dict.get(1).as_deref(), Some("y"));

        let ids = [0, NO_ID, 2, 1];
        let col_ids = ids_column("v", &ids, dict.len());
        assert_eq!(col_ids.dtype(), &DataType::UInt8);
        let df = DataFrame::new(4, vec![col_ids])?;
        let out = df.lazy().select([decoded("v", dict.strings()?)]).collect()?;
        let got: Vec<Option<&str>> = out.column("v")?.str()?.iter().collect();
        assert_eq!(
            got,
            vec![Some("x"), None, Some("a string longer than twelve bytes"), Some("y")]
        );
        Ok(())
    }

    #[test]
    fn ids_take_the_narrowest_width() {
        assert_eq!(ids_column("v", &[255, NO_ID], 256).dtype(), &DataType::UInt16);
        assert_eq!(ids_column("v", &[70_000], 70_001).dtype(), &DataType::UInt32);
    }
}
