//! The AWS durable execution wire model: serde structs with the service's exact JSON field
//! names (PROTOCOL.md §1, §2, §5.3). Nothing here has behaviour beyond (de)serialization.

mod error_object;
mod event;
mod invocation;
mod operation;
pub mod timestamp;
mod update;

pub use error_object::ErrorObject;
pub use event::*;
pub use invocation::*;
pub use operation::*;
pub use timestamp::EpochMillis;
pub use update::*;

/// Text that is almost always one of the SDK's constants (a sub-type, an event type): borrowed
/// when it is, so updates, records and history events carry it without allocating; owned
/// when read from JSON.
pub type Label = std::borrow::Cow<'static, str>;

/// Immutable text shared by reference count: an operation's id, parent id and name are
/// written once and then carried by its updates, its record and its history events, so a
/// copy costs a counter increment instead of an allocation. Serialized as a plain string.
pub type SharedStr = smol_str::SmolStr;

/// Sub-type strings the SDKs write (PROTOCOL.md §2.2); kept exactly as the reference SDKs spell
/// them so histories match the conformance requirements.
pub mod sub_type {
    /// A step.
    pub const STEP: &str = "Step";
    /// A wait.
    pub const WAIT: &str = "Wait";
    /// A callback.
    pub const CALLBACK: &str = "Callback";
    /// `run_in_child_context`.
    pub const RUN_IN_CHILD_CONTEXT: &str = "RunInChildContext";
    /// The batch context of a map.
    pub const MAP: &str = "Map";
    /// One map item.
    pub const MAP_ITERATION: &str = "MapIteration";
    /// The batch context of a parallel.
    pub const PARALLEL: &str = "Parallel";
    /// One parallel branch.
    pub const PARALLEL_BRANCH: &str = "ParallelBranch";
    /// The context of a wait-for-callback.
    pub const WAIT_FOR_CALLBACK: &str = "WaitForCallback";
    /// A wait-for-condition poll step.
    pub const WAIT_FOR_CONDITION: &str = "WaitForCondition";
    /// A chained invoke.
    pub const CHAINED_INVOKE: &str = "ChainedInvoke";
}
