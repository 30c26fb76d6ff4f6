//! Builders for schema attributes: the type, whether it is required/optional/computed, and the
//! description (which docs/ must repeat; a test compares them).

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Description};

/// An attribute being declared.
pub struct Attr(Attribute);

impl Attr {
    fn new(attr_type: AttributeType, description: &str) -> Self {
        Attr(Attribute {
            attr_type,
            description: Description::markdown(description),
            constraint: AttributeConstraint::Optional,
            sensitive: false,
            deprecated: false,
        })
    }

    pub fn string(description: &str) -> Self {
        Self::new(AttributeType::String, description)
    }

    pub fn number(description: &str) -> Self {
        Self::new(AttributeType::Number, description)
    }

    pub fn bool(description: &str) -> Self {
        Self::new(AttributeType::Bool, description)
    }

    pub fn string_set(description: &str) -> Self {
        Self::set_of(AttributeType::String, description)
    }

    pub fn string_list(description: &str) -> Self {
        Self::list_of(AttributeType::String, description)
    }

    pub fn number_set(description: &str) -> Self {
        Self::set_of(AttributeType::Number, description)
    }

    pub fn number_list(description: &str) -> Self {
        Self::list_of(AttributeType::Number, description)
    }

    fn set_of(element: AttributeType, description: &str) -> Self {
        Self::new(AttributeType::Set(Box::new(element)), description)
    }

    fn list_of(element: AttributeType, description: &str) -> Self {
        Self::new(AttributeType::List(Box::new(element)), description)
    }

    /// A list of objects with these fields (computed results, e.g. one verdict per target).
    pub fn object_list(description: &str, fields: &[(&str, AttributeType)]) -> Self {
        let object = fields
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect();
        Self::list_of(AttributeType::Object(object), description)
    }

    pub fn string_map(description: &str) -> Self {
        Self::new(
            AttributeType::Map(Box::new(AttributeType::String)),
            description,
        )
    }

    pub fn required(mut self) -> Self {
        self.0.constraint = AttributeConstraint::Required;
        self
    }

    pub fn optional(mut self) -> Self {
        self.0.constraint = AttributeConstraint::Optional;
        self
    }

    pub fn computed(mut self) -> Self {
        self.0.constraint = AttributeConstraint::Computed;
        self
    }

    pub fn optional_computed(mut self) -> Self {
        self.0.constraint = AttributeConstraint::OptionalComputed;
        self
    }

    /// Set by the provider only (not settable in the configuration).
    pub fn is_computed_only(&self) -> bool {
        matches!(self.0.constraint, AttributeConstraint::Computed)
    }

    /// Settable in the configuration.
    pub fn is_configurable(&self) -> bool {
        !self.is_computed_only()
    }

    pub fn is_optional_computed(&self) -> bool {
        matches!(self.0.constraint, AttributeConstraint::OptionalComputed)
    }

    pub fn attribute(&self) -> Attribute {
        self.0.clone()
    }

    pub fn sensitive(mut self) -> Self {
        self.0.sensitive = true;
        self
    }
}

impl From<Attr> for Attribute {
    fn from(a: Attr) -> Self {
        a.0
    }
}
