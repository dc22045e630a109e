use vitals::metric_enum;

#[metric_enum]
enum Outcome<T> {
    Completed,
    Failed(std::marker::PhantomData<T>),
}

fn main() {}
