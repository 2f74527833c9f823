//! `theta.deployments.listVm`: the VM types deployments can run on.
//!
//! `GET https://api.thetaedgecloud.com/resource/vm/list`, public: no credentials are sent
//! (only the browser-like `User-Agent`/`Accept` every platform call carries). Read-only and
//! free. The answer is returned as is: `body.vms` lists the VM types (`id` such as `vm_gt1`,
//! GPU, memory, price).

use crate::command::prelude::*;
use crate::skills::theta;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListVmArgs {}

/// `theta.deployments.listVm`.
#[derive(Debug, Clone, Copy)]
pub struct ListVm;

impl Command for ListVm {
    const ID: &'static str = "theta.deployments.listVm";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the VM types (GPU, memory, price) a deployment can run on; public, no credentials.";
    const SERVICE: Service = theta::PLATFORM;
    type Args = ListVmArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: ListVmArgs) -> Result<Value, Error> {
        ctx.client(theta::PLATFORM)?
            .send(&vm_list_request())
            .await?
            .json_value()
    }
}

/// `GET /resource/vm/list`, without credentials.
pub(crate) fn vm_list_request() -> ApiRequest {
    ApiRequest::get(&["resource", "vm", "list"]).without_auth()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::preview;

    #[test]
    fn the_vm_list_is_public() {
        let shown = preview(theta::PLATFORM, &vm_list_request());
        assert_eq!(shown.url, "https://api.thetaedgecloud.com/resource/vm/list");
        assert!(!shown.headers.contains_key("x-api-key"));
    }
}
