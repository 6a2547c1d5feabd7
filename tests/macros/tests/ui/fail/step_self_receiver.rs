use durable_runtime::prelude::*;

struct Card;

impl Card {
    #[step]
    async fn charge(self, cents: u64) -> Result<u64, String> {
        Ok(cents)
    }
}

fn main() {}
