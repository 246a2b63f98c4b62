{#- What the back-test's and discovery's numbers rest on, for the trust warnings of the summary,
    the report and the Dagster metadata:
    - `lifetime_cap`: active customers whose LTV uses the capped lifetime (ltv_max_lifetime_months,
      because their churn rate is 0 or too low), of all customers;
    - `churn_observed`: customers who churned in the churn-rate window (12 months), of all
      customers: zero means every active customer's lifetime is the cap;
    - `capped_suggestion`: per suggested or confirmed value, its best customers whose LTV is capped,
      of its support: when most are, its lift comes from the cap rather than realised revenue. -#}

with facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

unit_economics as (

    select * from {{ ref('int_accounts__unit_economics') }}

),

churned as (

    select coalesce(max(churned_customers), 0) as churned_customers
    from {{ ref('int_customers__churn_rates') }}
    where segment_kind = 'all'

),

customers as (

    select * from {{ ref('int_icp__discovery_customers') }}
    where population = 'all'

),

traits as (

    select * from {{ ref('int_icp__customer_traits') }}

),

lifts as (

    select * from {{ ref('int_icp__value_lifts') }}
    where population = 'all' and is_suggested

),

capped as (

    select
        facts.account_id,
        facts.customer_status = 'active'
            and unit_economics.expected_lifetime_months >= {{ var('ltv_max_lifetime_months') }}
            as is_capped
    from facts
    inner join unit_economics
        on facts.account_id = unit_economics.account_id

),

totals as (

    select count(*) as customers, count(case when is_capped then 1 end) as capped_customers
    from capped

),

suggestion_support as (

    select
        lifts.attribute,
        lifts.value,
        lifts.support,
        count(case when capped.is_capped then 1 end) as capped_support
    from lifts
    inner join traits
        on lifts.attribute = traits.attribute
        and lifts.value_key = traits.value_key
    inner join customers
        on traits.account_id = customers.account_id
        and customers.is_best_customer
    inner join capped
        on traits.account_id = capped.account_id
    group by lifts.attribute, lifts.value, lifts.support

),

final as (

    select
        'lifetime_cap' as signal,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        totals.capped_customers as customers,
        totals.customers as of_customers
    from totals
    union all
    select
        'churn_observed' as signal,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        churned.churned_customers as customers,
        totals.customers as of_customers
    from totals
    cross join churned
    union all
    select
        'capped_suggestion' as signal,
        attribute,
        value,
        capped_support as customers,
        support as of_customers
    from suggestion_support

)

select * from final
