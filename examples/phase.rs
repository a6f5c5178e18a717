use backlot::config::Overrides;
use backlot::serve::incremental::Engine;
use backlot::serve::watcher::Plan;
use std::time::Instant;
fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let page = std::env::args().nth(2).unwrap();
    let mut e = Engine::new(&root, Overrides::default());
    let o = e.rebuild(&Plan::full());
    println!("full {}", o.pages);
    for i in 0..5 {
        let p = root.join(&page);
        let mut t = std::fs::read_to_string(&p).unwrap();
        t.push_str(&format!("\nedit {i}\n"));
        std::fs::write(&p, t).unwrap();
        let mut plan = Plan::default();
        plan.content.insert(page.clone());
        let t = Instant::now();
        let o = e.rebuild(&plan);
        println!("edit {:?} {} {}", t.elapsed(), o.rendered, o.changed.len());
    }
}
