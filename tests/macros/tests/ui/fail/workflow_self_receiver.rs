use durable_runtime::prelude::*;

struct Service;

impl Service {
    #[durable_workflow]
    async fn wf(&self, ctx: DurableContext) -> Result<(), DurableError> {
        let _ = ctx;
        Ok(())
    }
}

fn main() {}
