//! Who a verdict is for: an age band, or an exact age (which decides the band). Shared by
//! the text and URL classifiers so both read a pupil's age the same way.

use esafety_taxonomy::{AgeBand, MAX_AGE};

use crate::text::ConfigError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Audience {
    pub band: AgeBand,
    /// The exact age, when it was given.
    pub age: Option<u8>,
}

impl Default for Audience {
    fn default() -> Self {
        Audience::band(AgeBand::Ks2)
    }
}

impl Audience {
    pub fn band(band: AgeBand) -> Audience {
        Audience { band, age: None }
    }

    /// An exact age in whole years; the band follows from it.
    pub fn exact(age: u32) -> Result<Audience, ConfigError> {
        let a = u8::try_from(age)
            .ok()
            .filter(|a| *a <= MAX_AGE)
            .ok_or(ConfigError::AgeOutOfRange(age))?;
        let band = AgeBand::for_age(a).ok_or(ConfigError::AgeOutOfRange(age))?;
        Ok(Audience { band, age: Some(a) })
    }

    /// The age compared with a site's minimum age: the exact age, else the youngest in
    /// the band (a KS3 pupil may be 11; adults count as 18).
    pub fn youngest_age(self) -> u8 {
        self.age.unwrap_or(self.band.youngest_age())
    }

    /// The age used to pick help routes: as [`Self::youngest_age`], but adults count as
    /// 30 (no child-only services for staff).
    pub fn help_age(self) -> u8 {
        match (self.age, self.band) {
            (Some(a), _) => a,
            (None, AgeBand::Staff) => 30,
            (None, b) => b.youngest_age(),
        }
    }
}
