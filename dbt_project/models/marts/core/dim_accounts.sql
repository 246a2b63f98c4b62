with firmographics as (

    select * from {{ ref('int_accounts__firmographics') }}

),

facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

unit_economics as (

    select * from {{ ref('int_accounts__unit_economics') }}

),

fit as (

    select * from {{ ref('int_icp__account_fit') }}

),

best_customers as (

    select * from {{ ref('int_icp__best_customers') }}

),

personas as (

    select * from {{ ref('int_accounts__personas') }}

),

final as (

    select
        firmographics.account_id,
        firmographics.account_name,
        firmographics.domain,
        firmographics.industry,
        firmographics.employee_count,
        firmographics.employee_band,
        {{ icp.mart_money('firmographics.annual_revenue_usd') }} as annual_revenue_usd,
        firmographics.country_code,
        firmographics.region,
        firmographics.business_model,
        firmographics.funding_stage,
        firmographics.tech_stack,
        firmographics.founded_year,
        facts.customer_status,
        facts.first_paid_at,
        facts.acquisition_month,
        firmographics.acquisition_channel,
        facts.churned_at,
        facts.tenure_months,
        fit.icp_version,
        fit.icp_fit_score,
        fit.icp_tier,
        fit.icp_fit_reasons,
        fit.icp_fit_gaps,
        {{ icp.mart_money('facts.lifetime_revenue_usd') }} as lifetime_revenue_usd,
        {{ icp.mart_money('facts.mrr_usd') }} as mrr_usd,
        {{ icp.mart_money('unit_economics.arpa_usd') }} as arpa_usd,
        round(unit_economics.monthly_churn_rate, 6) as monthly_churn_rate,
        round(unit_economics.expected_lifetime_months, 2) as expected_lifetime_months,
        {{ icp.mart_money('unit_economics.ltv_usd') }} as ltv_usd,
        {{ icp.mart_money('unit_economics.cac_usd') }} as cac_usd,
        round(unit_economics.ltv_to_cac, 2) as ltv_to_cac,
        round(unit_economics.cac_payback_months, 2) as cac_payback_months,
        round(fit.icp_fit_confidence, 4) as icp_fit_confidence,
        coalesce(best_customers.is_best_customer, false) as is_best_customer,
        coalesce(personas.contact_count, 0) as contact_count,
        coalesce(personas.economic_buyer_contacts, 0) as economic_buyer_contacts,
        coalesce(personas.champion_contacts, 0) as champion_contacts,
        coalesce(personas.technical_evaluator_contacts, 0) as technical_evaluator_contacts,
        coalesce(personas.end_user_contacts, 0) as end_user_contacts,
        coalesce(personas.unknown_contacts, 0) as unknown_persona_contacts,
        coalesce(personas.has_economic_buyer, false) as has_economic_buyer
    from firmographics
    inner join facts
        on firmographics.account_id = facts.account_id
    left join unit_economics
        on firmographics.account_id = unit_economics.account_id
    left join fit
        on firmographics.account_id = fit.account_id
    left join best_customers
        on firmographics.account_id = best_customers.account_id
    left join personas
        on firmographics.account_id = personas.account_id

)

select * from final
