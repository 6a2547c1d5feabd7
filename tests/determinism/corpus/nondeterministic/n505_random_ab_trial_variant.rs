//! category: randomness
//! replay: diverges
//! input: {"user_id": "u-3021", "email": "kim@example.com", "plan": "pro"}
//! summary: onboarding assigns an A/B experiment bucket with rand::rng().random_range in the body; the bucket picks the welcome step's name and the trial wait length
use durable_runtime::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signup {
    pub user_id: String,
    pub email: String,
    pub plan: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnboardingResult {
    pub variant: String,
    pub converted: bool,
}

#[derive(Clone, Copy)]
enum Variant {
    Control,
    ShortTrial,
    GuidedTour,
    DiscountNudge,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Control => "control",
            Variant::ShortTrial => "short-trial",
            Variant::GuidedTour => "guided-tour",
            Variant::DiscountNudge => "discount-nudge",
        }
    }

    fn trial_days(self) -> u64 {
        match self {
            Variant::ShortTrial => 7,
            Variant::DiscountNudge => 10,
            _ => 14,
        }
    }
}

#[durable_workflow]
pub async fn hx_onboard_with_experiment(ctx: DurableContext, signup: Signup) -> Result<OnboardingResult, DurableError> {
    let user = signup.user_id.clone();
    ctx.step("create-workspace", move |_| async move { Ok::<_, String>(format!("ws-{user}")) })
        .await?;

    let bucket = rand::rng().random_range(0..100u32);
    let variant = match bucket {
        0..=24 => Variant::Control,
        25..=49 => Variant::ShortTrial,
        50..=74 => Variant::GuidedTour,
        _ => Variant::DiscountNudge,
    };

    let email = signup.email.clone();
    ctx.step(format!("send-welcome-{}", variant.label()), move |_| async move {
        Ok::<_, String>(format!("welcome sent to {email}"))
    })
    .await?;
    ctx.wait("trial-period", Duration::from_secs(variant.trial_days() * 24 * 3600))
        .await?;
    let plan = signup.plan.clone();
    let converted: bool = ctx
        .step("check-conversion", move |_| async move { Ok::<_, String>(plan == "pro") })
        .await?;
    Ok(OnboardingResult {
        variant: variant.label().to_owned(),
        converted,
    })
}

fn main() {}
